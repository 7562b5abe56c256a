/**
 * Who may tell us the client's address (VKP_TRUST_PROXY). Behind a reverse proxy the socket's peer is
 * the proxy, and the client is named in X-Forwarded-For; Fastify reads it only through hops this
 * function trusts, so `req.ip` is the client's address (the rate limit and the connection cap key on
 * it). Nobody is trusted by default: a client talking to us directly could otherwise name any address.
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
    case 'addresses': {
      const list = new BlockList();
      for (const entry of setting.addresses) {
        const [ip = '', bits] = entry.split('/');
        const family = isIPv6(ip) ? 'ipv6' : 'ipv4';
        if (bits === undefined) list.addAddress(ip, family);
        else list.addSubnet(ip, Number(bits), family);
      }
      return (address) => list.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
    }
  }
}
