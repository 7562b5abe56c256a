/**
 * Who may tell us the client's address (VKP_TRUST_PROXY). Behind a reverse proxy the socket's peer is
 * the proxy, and the client is named in X-Forwarded-For; Fastify reads it only through hops this
 * function trusts, so `req.ip` is the client's address (the rate limit keys on it; graphql-ws finds
 * the same address with `clientAddress`). Nobody is trusted by default: a client talking to us directly could otherwise name any address.
 */
import { BlockList, isIPv6 } from 'node:net';
import type { TrustProxy } from '../config.js';

/** proxy-addr's contract: `hop` 0 is the socket's peer, 1 the address it forwarded for, and so on. */
export type TrustFunction = (address: string, hop: number) => boolean;

export function trustFunction(setting: TrustProxy): TrustFunction {
  switch (setting.kind) {
    case 'none':
      return () => false;
    case 'all':
      return () => true;
    case 'hops':
      // Only sound when the server is reachable through the proxies alone (README "Security").
      return (_address, hop) => hop < setting.hops;
    case 'addresses':
      return listedProxies(setting.addresses);
  }
}

function listedProxies(addresses: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of addresses) {
    const [ip = '', bits] = entry.split('/');
    const family = isIPv6(ip) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip, family);
    else list.addSubnet(ip, Number(bits), family);
  }
  return (address) => list.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
}

/**
 * Is the socket's peer `address` one of our proxies (the connection cap exempts them)? Only a list of
 * addresses names them. A hop count or `true` trusts hops by position, not by address: every peer
 * would pass as a proxy and the cap would hold for nobody, so there every peer is capped, the proxy
 * included (README "Security": list the proxies' addresses, or raise the cap).
 */
export function proxyPeer(setting: TrustProxy): (address: string) => boolean {
  return setting.kind === 'addresses' ? listedProxies(setting.addresses) : () => false;
}

/**
 * The client's address as Fastify's `req.ip` gives it (@fastify/proxy-addr with `trust`), for a request
 * Fastify does not route (the WebSocket upgrade): walk from the socket's peer back through
 * X-Forwarded-For while each hop is trusted; the first untrusted one is the client (the last address
 * when every hop is trusted).
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trust: TrustFunction,
): string | undefined {
  // Like Fastify, a repeated header (an array) is not read: it names nobody.
  const forwarded =
    typeof forwardedFor === 'string'
      ? forwardedFor
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean)
          .reverse()
      : [];
  const hops = [peer, ...forwarded];
  for (let i = 0; i < hops.length - 1; i++) {
    if (!trust(hops[i] ?? '', i)) return hops[i];
  }
  return hops[hops.length - 1];
}
