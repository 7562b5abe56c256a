import { describe, expect, it } from 'vitest';
import { allows, classifyAddress, embeddedIpv4, isOwnAddress, parseAllowList, type AddressCategory } from './addresses.js';

describe('classifyAddress: what the server may connect to', () => {
  it.each<[string, AddressCategory]>([
    // loopback, in IPv4, IPv6 and every IPv6 form that carries an IPv4 address
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:7f00:0001:0:0:0:0:1', 'loopback'],
    // RFC 1918 and unique local
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:192.168.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:c0a8:101::1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fec0::1', 'private'],
    ['64:ff9b:1::a00:1', 'private'],
    // link-local, the cloud metadata service included
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:a9fe:a9fe::', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    // CGNAT
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.254', 'shared (CGNAT)'],
    // multicast, broadcast, unspecified
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['::ffff:224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:0.0.0.0', 'unspecified'],
    // reserved: documentation, benchmarking, future use, deprecated forms
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.88.99.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['2001:2::1', 'reserved'],
    ['2001:0:4136:e378::1', 'reserved'], // Teredo
    ['100::1', 'reserved'],
    ['::8.8.8.8', 'reserved'], // IPv4-compatible: deprecated, even for a public address
    ['4000::1', 'reserved'], // outside global unicast
    ['not an address', 'reserved'],
    // public: may be connected to
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['1.1.1.1', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['169.255.0.1', 'public'],
    ['2a00:1450::1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::808:808', 'public'],
    ['2002:808:808::1', 'public'],
  ])('%s is %s', (ip, category) => {
    expect(classifyAddress(ip)).toBe(category);
  });

  it('finds the IPv4 address inside each IPv6 form that leads to one', () => {
    expect(embeddedIpv4('::ffff:127.0.0.1')).toEqual({ ipv4: '127.0.0.1', form: 'mapped' });
    expect(embeddedIpv4('::a00:1')).toEqual({ ipv4: '10.0.0.1', form: 'compatible' });
    expect(embeddedIpv4('64:ff9b::c0a8:1')).toEqual({ ipv4: '192.168.0.1', form: 'nat64' });
    expect(embeddedIpv4('2002:a00:1:1::5')).toEqual({ ipv4: '10.0.0.1', form: '6to4' });
    expect(embeddedIpv4('::1')).toBeNull();
    expect(embeddedIpv4('2a00:1450::1')).toBeNull();
  });

  it('judges every spelling the WHATWG URL parser accepts for 127.0.0.1 the same', () => {
    for (const spelling of [
      'http://2130706433/',
      'http://0x7f.1/',
      'http://127.1/',
      'http://0177.0.0.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:7f00:1]/',
    ]) {
      const host = new URL(spelling).hostname.replace(/^\[(.*)\]$/, '$1');
      expect(classifyAddress(host), spelling).toBe('loopback');
    }
  });
});

describe('VKP_ALLOW_PRIVATE_URLS', () => {
  it('allows the IPs, CIDRs and host names it lists, and nothing else', () => {
    const list = parseAllowList('10.1.2.3, 192.168.0.0/16, fd00::/8, game-backend.internal, [::1]');
    expect(allows(list, 'x', '10.1.2.3')).toBe(true);
    expect(allows(list, 'x', '10.1.2.4')).toBe(false);
    expect(allows(list, 'x', '192.168.77.1')).toBe(true);
    expect(allows(list, 'x', '::ffff:192.168.77.1')).toBe(true);
    expect(allows(list, 'x', 'fd00::5')).toBe(true);
    expect(allows(list, 'x', '::1')).toBe(true);
    expect(allows(list, 'x', '127.0.0.1')).toBe(false);
    expect(allows(list, 'GAME-BACKEND.internal', '10.9.9.9')).toBe(true);
    expect(allows(list, 'other.internal', '10.9.9.9')).toBe(false);
  });

  it('* allows everything; empty allows nothing', () => {
    expect(allows(parseAllowList('*'), 'x', '169.254.169.254')).toBe(true);
    expect(allows(parseAllowList(''), 'x', '10.0.0.1')).toBe(false);
  });

  it.each(['10.0.0.0/33', '10.0.0/8', 'fd00::/129', 'not a host!', '2130706433', '127.1', 'http://10.0.0.1/'])(
    'refuses the entry %s',
    (entry) => {
      expect(() => parseAllowList(entry)).toThrowError(`"${entry}"`);
    },
  );
});

describe('this server’s own listen address', () => {
  it('bound to one address: only that address and port', () => {
    const own = [{ address: '127.0.0.1', port: 8080 }];
    expect(isOwnAddress(own, '127.0.0.1', 8080)).toBe(true);
    expect(isOwnAddress(own, '::ffff:127.0.0.1', 8080)).toBe(true);
    expect(isOwnAddress(own, '127.0.0.1', 8081)).toBe(false);
    expect(isOwnAddress(own, '127.0.0.2', 8080)).toBe(false);
    expect(isOwnAddress(own, '::1', 8080)).toBe(false);
  });

  it('bound to every address: loopback of the families it accepts, at its port', () => {
    expect(isOwnAddress([{ address: '0.0.0.0', port: 8080 }], '127.0.0.1', 8080)).toBe(true);
    expect(isOwnAddress([{ address: '0.0.0.0', port: 8080 }], '0.0.0.0', 8080)).toBe(true);
    expect(isOwnAddress([{ address: '0.0.0.0', port: 8080 }], '::1', 8080)).toBe(false);
    expect(isOwnAddress([{ address: '::', port: 8080 }], '::1', 8080)).toBe(true);
    expect(isOwnAddress([{ address: '::', port: 8080 }], '127.0.0.1', 8080)).toBe(true);
    expect(isOwnAddress([{ address: '::', port: 8080 }], '10.0.0.1', 8080)).toBe(false);
    expect(isOwnAddress([{ address: '0.0.0.0', port: 8080 }], '127.0.0.1', 5432)).toBe(false);
  });
});
