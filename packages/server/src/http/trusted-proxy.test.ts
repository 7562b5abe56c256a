import { describe, expect, it } from 'vitest';
import { parseTrustProxy } from '../config.js';
import { clientAddress, proxyPeer, trustFunction } from './trusted-proxy.js';

const trust = (setting: string) => trustFunction(parseTrustProxy(setting));

describe('which peers may name the client (VKP_TRUST_PROXY)', () => {
  it('trusts nobody by default, so X-Forwarded-For cannot be forged by a direct client', () => {
    expect(trust('')('127.0.0.1', 0)).toBe(false);
  });

  it('trusts every hop with true', () => {
    expect(trust('true')('203.0.113.9', 3)).toBe(true);
  });

  it('trusts the given number of hops from our side', () => {
    const f = trust('2');
    expect([f('10.0.0.1', 0), f('10.0.0.2', 1), f('203.0.113.9', 2)]).toEqual([true, true, false]);
  });

  it('trusts listed addresses and CIDRs, IPv4 (also as IPv4-mapped IPv6) and IPv6', () => {
    const f = trust('10.0.0.0/8, 192.0.2.7, fd00::/8');
    expect(f('10.1.2.3', 0)).toBe(true);
    expect(f('::ffff:10.1.2.3', 0)).toBe(true);
    expect(f('192.0.2.7', 1)).toBe(true);
    expect(f('192.0.2.8', 0)).toBe(false);
    expect(f('fd12::1', 0)).toBe(true);
    expect(f('2001:db8::1', 0)).toBe(false);
  });
});

describe('the client address of a request Fastify does not route (the WebSocket upgrade)', () => {
  const ip = (setting: string, peer: string, forwardedFor?: string | string[]) => clientAddress(peer, forwardedFor, trust(setting));

  it('is the socket peer when nobody is trusted, whatever X-Forwarded-For says', () => {
    expect(ip('', '198.51.100.1', '203.0.113.9')).toBe('198.51.100.1');
  });

  it('is the first untrusted hop, walking back from the peer through X-Forwarded-For', () => {
    expect(ip('127.0.0.1', '127.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    // A client behind our proxy cannot name someone else: what it wrote sits left of what the proxy saw.
    expect(ip('127.0.0.1', '127.0.0.1', '10.9.9.9, 203.0.113.9')).toBe('203.0.113.9');
    expect(ip('127.0.0.1, 10.0.0.0/8', '127.0.0.1', '198.51.100.4,203.0.113.9 , 10.1.1.1')).toBe('203.0.113.9');
    // An untrusted peer's header is not read.
    expect(ip('127.0.0.1', '198.51.100.1', '203.0.113.9')).toBe('198.51.100.1');
  });

  it('counts hops by position with a hop count, and takes the farthest address with true', () => {
    expect(ip('1', '10.0.0.1', '198.51.100.4, 203.0.113.9')).toBe('203.0.113.9');
    expect(ip('2', '10.0.0.1', '198.51.100.4, 203.0.113.9')).toBe('198.51.100.4');
    expect(ip('true', '10.0.0.1', '198.51.100.4, 203.0.113.9')).toBe('198.51.100.4');
  });

  it('ignores an empty or repeated header, as Fastify does', () => {
    expect(ip('true', '10.0.0.1', '')).toBe('10.0.0.1');
    expect(ip('true', '10.0.0.1', ['203.0.113.9', '198.51.100.4'])).toBe('10.0.0.1');
  });
});

describe('which socket peers the connection cap exempts as proxies', () => {
  it('only peers named by address: a hop count or true cannot tell a proxy from a client, so every peer is capped', () => {
    expect(proxyPeer(parseTrustProxy('10.0.0.0/8'))('10.1.2.3')).toBe(true);
    expect(proxyPeer(parseTrustProxy('10.0.0.0/8'))('203.0.113.9')).toBe(false);
    for (const setting of ['', '1', '3', 'true']) {
      expect(proxyPeer(parseTrustProxy(setting))('203.0.113.9'), setting).toBe(false);
    }
  });
});
