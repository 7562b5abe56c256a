/**
 * Which client addresses count as one client for the rate limit and the connection cap. An IPv4
 * address is one client. An IPv6 client is its /64: one home or one server is routinely handed a whole
 * /64 and may use any address in it, so keying on the full address would give one client 2^64 fresh
 * allowances. An IPv4 address written as IPv4-mapped IPv6 (`::ffff:a.b.c.d`, what a dual-stack socket
 * reports) is that IPv4 address, so both spellings share one bucket.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ipv6Groups } from '../net/addresses.js';

/** The bucket `address` is counted in: an IPv4 address, or an IPv6 /64 (`2001:db8:0:1::/64`); anything else unchanged. */
export function addressBucket(address: string): string {
  if (isIPv4(address) || !isIPv6(address)) return address;
  const g = ipv6Groups(address);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff].join('.');
  }
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}
