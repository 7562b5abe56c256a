/**
 * Which IP addresses the server may connect to on someone's behalf (issue #10 §3: no SSRF). Pure:
 * no DNS, no sockets. The notification URL is where VK must reach the app, so it is public by nature;
 * anything that only makes sense inside a network (loopback, RFC 1918, link-local with the cloud
 * metadata service at 169.254.169.254, CGNAT, multicast, documentation and benchmarking ranges…) is
 * refused unless the operator allowlists it (VKP_ALLOW_PRIVATE_URLS).
 *
 * IPv6 spellings that carry an IPv4 address (`::ffff:127.0.0.1`, `::127.0.0.1`, `64:ff9b::7f00:1`,
 * `2002:7f00:1::`) are judged by the IPv4 address they lead to.
 */
import { BlockList, isIP } from 'node:net';

export type AddressCategory =
  'public' | 'loopback' | 'private' | 'link-local' | 'shared (CGNAT)' | 'multicast' | 'unspecified' | 'broadcast' | 'reserved';

/** IANA special-purpose registries (RFC 6890 and updates); the first match wins. */
const IPV4: [string, number, AddressCategory][] = [
  ['0.0.0.0', 8, 'unspecified'], // "this network": 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.0.2.0', 24, 'reserved'], // documentation (TEST-NET-1)
  ['192.88.99.0', 24, 'reserved'], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'reserved'], // documentation (TEST-NET-2)
  ['203.0.113.0', 24, 'reserved'], // documentation (TEST-NET-3)
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** IPv6 outside the IPv4-carrying forms, which are judged by their IPv4 address first. */
const IPV6: [string, number, AddressCategory][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'private'], // local-use NAT64 (RFC 8215)
  ['100::', 64, 'reserved'], // discard-only
  ['2001::', 32, 'reserved'], // Teredo: the IPv4 address inside is obfuscated, so none is allowed
  ['2001:2::', 48, 'reserved'], // benchmarking
  ['2001:10::', 28, 'reserved'], // ORCHID
  ['2001:20::', 28, 'reserved'], // ORCHIDv2
  ['2001:db8::', 32, 'reserved'], // documentation
  ['fc00::', 7, 'private'], // unique local
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'], // site-local (deprecated)
  ['ff00::', 8, 'multicast'],
];

function lists(table: [string, number, AddressCategory][], family: 'ipv4' | 'ipv6'): [BlockList, AddressCategory][] {
  return table.map(([network, prefix, category]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return [list, category];
  });
}
const V4 = lists(IPV4, 'ipv4');
const V6 = lists(IPV6, 'ipv6');
/** Global unicast: the only IPv6 space (besides the IPv4-carrying forms) that is public. */
const GLOBAL_UNICAST = new BlockList();
GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');

/** The eight 16-bit groups of a valid IPv6 address (zone id dropped). */
export function ipv6Groups(ip: string): number[] {
  let text = ip.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  if (tail === undefined) return h;
  const t = parse(tail);
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

const ipv4Of = (high: number, low: number): string => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');

export type Ipv4Form = 'mapped' | 'translated' | 'compatible' | 'nat64' | '6to4';

/**
 * The IPv4 address an IPv6 address carries, when it is one of the forms that leads to it: mapped
 * (`::ffff:a.b.c.d`), translated (`::ffff:0:a.b.c.d`), compatible (`::a.b.c.d`), NAT64
 * (`64:ff9b::/96`) or 6to4 (`2002:AABB:CCDD::/48`).
 */
export function embeddedIpv4(ip: string): { ipv4: string; form: Ipv4Form } | null {
  const g = ipv6Groups(ip);
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  const low = ipv4Of(g[6]!, g[7]!);
  if (zeros(0, 5) && g[5] === 0xffff) return { ipv4: low, form: 'mapped' };
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return { ipv4: low, form: 'translated' };
  if (zeros(0, 6) && (g[6] !== 0 || g[7]! > 1)) return { ipv4: low, form: 'compatible' }; // not :: or ::1
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return { ipv4: low, form: 'nat64' };
  if (g[0] === 0x2002) return { ipv4: ipv4Of(g[1]!, g[2]!), form: '6to4' };
  return null;
}

/** What kind of address `ip` (an IPv4 or IPv6 literal, without brackets) is; `public` may be connected to. */
export function classifyAddress(ip: string): AddressCategory {
  const family = isIP(ip);
  if (family === 4) return V4.find(([list]) => list.check(ip, 'ipv4'))?.[1] ?? 'public';
  if (family !== 6) return 'reserved'; // not an address at all: never connect
  const embedded = embeddedIpv4(ip);
  if (embedded) {
    const category = classifyAddress(embedded.ipv4);
    // `::a.b.c.d` is deprecated and routes nowhere: refused even for a public a.b.c.d.
    return category === 'public' && embedded.form === 'compatible' ? 'reserved' : category;
  }
  const plain = ip.replace(/%.*$/, '');
  const found = V6.find(([list]) => list.check(plain, 'ipv6'))?.[1];
  if (found) return found;
  return GLOBAL_UNICAST.check(plain, 'ipv6') ? 'public' : 'reserved';
}

/** The form an address is compared in: an IPv4-mapped IPv6 address is its IPv4 address. */
export function canonicalAddress(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const g = ipv6Groups(ip);
  return g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff ? ipv4Of(g[6]!, g[7]!) : ip.toLowerCase();
}

/** A URL's hostname as the WHATWG parser gives it, without the brackets of an IPv6 literal. */
export const bareHost = (hostname: string): string =>
  hostname
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase()
    .replace(/\.$/, '');

/** `localhost` and its subdomains always mean this machine (RFC 6761), whatever DNS says. */
export const isLocalhostName = (host: string): boolean => host === 'localhost' || host.endsWith('.localhost');

/**
 * VKP_ALLOW_PRIVATE_URLS, parsed: `*`, host names (exact, case-insensitive), IP addresses and CIDRs.
 * A host name entry allows whatever that name resolves to.
 */
export interface AllowList {
  any: boolean;
  hosts: ReadonlySet<string>;
  addresses: BlockList;
  /** The entries as given, for messages and tests. */
  entries: readonly string[];
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** Parses the allowlist; throws an Error naming the first bad entry. */
export function parseAllowList(text: string): AllowList {
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const hosts = new Set<string>();
  const addresses = new BlockList();
  let any = false;
  for (const entry of entries) {
    if (entry === '*') {
      any = true;
      continue;
    }
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    if (cidr) {
      const network = bareHost(cidr[1]!);
      const family = isIP(network);
      const prefix = Number(cidr[2]);
      if (family === 0 || prefix > (family === 4 ? 32 : 128))
        throw new Error(`"${entry}" is not a valid CIDR (e.g. 10.0.0.0/8 or fd00::/8)`);
      addresses.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    const host = bareHost(entry);
    const family = isIP(host);
    if (family !== 0) {
      addresses.addAddress(canonicalAddress(host), isIP(canonicalAddress(host)) === 4 ? 'ipv4' : 'ipv6');
    } else if (/^[\d.]+$/.test(host) || /^0x/i.test(host) || !HOST_NAME.test(host)) {
      // `127.1` or `2130706433` would never match: URLs are compared after the parser spelled them out.
      throw new Error(`"${entry}" is neither an IP address, a CIDR nor a host name`);
    } else {
      hosts.add(host);
    }
  }
  return { any, hosts, addresses, entries };
}

export const EMPTY_ALLOW_LIST: AllowList = parseAllowList('');
export const ALLOW_ALL: AllowList = parseAllowList('*');

/** Does the allowlist let the server reach `ip` (resolved from `host`)? */
export function allows(list: AllowList, host: string, ip: string | null): boolean {
  if (list.any || list.hosts.has(bareHost(host))) return true;
  if (ip === null) return false;
  const address = canonicalAddress(ip);
  return list.addresses.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

/** Where this server listens: connecting there reaches only our own routes. */
export interface ListenAddress {
  address: string;
  port: number;
}

/**
 * Is `ip`:`port` this very server? Bound to one address, only that one; bound to every address
 * (`0.0.0.0`, `::`), the loopback and unspecified addresses of the families it accepts.
 */
export function isOwnAddress(own: readonly ListenAddress[], ip: string, port: number): boolean {
  const address = canonicalAddress(ip);
  return own.some((o) => {
    if (o.port !== port) return false;
    const bound = canonicalAddress(o.address);
    if (bound === address) return true;
    if (bound !== '0.0.0.0' && bound !== '::') return false;
    if (bound === '0.0.0.0' && isIP(address) !== 4) return false; // an IPv4 socket: not ::1
    const category = classifyAddress(address);
    return category === 'loopback' || (category === 'unspecified' && (address === '0.0.0.0' || address === '::'));
  });
}
