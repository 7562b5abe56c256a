import { describe, expect, it } from 'vitest';
import { parseTrustProxy } from '../config.js';
import { trustFunction } from './trusted-proxy.js';

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
