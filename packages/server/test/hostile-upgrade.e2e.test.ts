/**
 * Hostile WebSocket upgrades over raw sockets: broken, missing and repeated Origin, Sec-WebSocket-*
 * and Host headers, odd paths, and garbage after a completed handshake, on the GraphQL path and off
 * it. None may stop the process (an `Origin: null` once did, from a sandboxed frame); afterwards the
 * server still answers /healthz and books a signed payment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originAllowed } from '../src/http/websocket.js';
import { DEFAULT_DIALECT, startTestServer, type TestServer } from './helpers.js';
import { exchange, expectStillPays, seedPayingApp, statusOf, type Exchange } from './sockets.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
type Line = [name: string, value: string | Buffer];
type Mutation = (lines: Line[]) => Line[];

const without =
  (name: string): Mutation =>
  (lines) =>
    lines.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
const setTo =
  (name: string, ...values: (string | Buffer)[]): Mutation =>
  (lines) => [...without(name)(lines), ...values.map((v): Line => [name, v])];
const nonAscii = (prefix: string): Buffer => Buffer.concat([Buffer.from(prefix, 'latin1'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80])]);

function request(path: string, lines: Line[]): Buffer {
  const head: Buffer[] = [Buffer.from(`GET ${path} HTTP/1.1\r\n`, 'latin1')];
  for (const [name, value] of lines)
    head.push(Buffer.from(`${name}: `, 'latin1'), Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1'), Buffer.from('\r\n'));
  head.push(Buffer.from('\r\n'));
  return Buffer.concat(head);
}

/** A client frame (masked, as RFC 6455 §5.3 requires of clients), or unmasked when asked. */
function frame(opcode: number, payload: Buffer, { masked = true, fin = true } = {}): Buffer {
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([(fin ? 0x80 : 0) | opcode, (masked ? 0x80 : 0) | len])
      : Buffer.from([(fin ? 0x80 : 0) | opcode, (masked ? 0x80 : 0) | 126, len >> 8, len & 0xff]);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = Buffer.from([1, 2, 3, 4]);
  return Buffer.concat([head, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]);
}

describe('hostile WebSocket upgrades', () => {
  let t: TestServer;
  let host: string;
  let base: Line[];
  beforeAll(async () => {
    t = await startTestServer(DEFAULT_DIALECT);
    await seedPayingApp(t);
    host = new URL(t.url).host;
    base = [
      ['Host', host],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
      ['Sec-WebSocket-Version', '13'],
      ['Sec-WebSocket-Key', KEY],
      ['Sec-WebSocket-Protocol', 'graphql-transport-ws'],
    ];
  });
  afterAll(() => t?.close());

  const headerCases = (): [string, Mutation][] => [
    ['Origin: null (a sandboxed frame)', setTo('Origin', 'null')],
    ['Origin: http://', setTo('Origin', 'http://')],
    ['Origin: ://', setTo('Origin', '://')],
    ['Origin of 10 KB', setTo('Origin', `http://${'a'.repeat(10_240)}.example`)],
    ['Origin with non-ASCII bytes', setTo('Origin', nonAscii('http://'))],
    ['Origin twice, other origin first', setTo('Origin', 'http://evil.example', `http://${host}`)],
    ['Origin twice, same origin both times', setTo('Origin', `http://${host}`, `http://${host}`)],
    ['Origin: http://[::1', setTo('Origin', 'http://[::1')],
    ['Origin: javascript:1', setTo('Origin', 'javascript:1')],
    ['Origin: file://', setTo('Origin', 'file://')],
    ['Origin: empty', setTo('Origin', '')],
    ['Origin of another site', setTo('Origin', 'https://evil.example')],
    ['no Sec-WebSocket-Key', without('Sec-WebSocket-Key')],
    ['empty Sec-WebSocket-Key', setTo('Sec-WebSocket-Key', '')],
    ['short Sec-WebSocket-Key', setTo('Sec-WebSocket-Key', 'c2hvcnQ=')],
    ['Sec-WebSocket-Key twice', setTo('Sec-WebSocket-Key', KEY, KEY)],
    ['Sec-WebSocket-Key not base64', setTo('Sec-WebSocket-Key', '!!!!!!!!!!!!!!!!!!!!!!==')],
    ['Sec-WebSocket-Key of 8 KB', setTo('Sec-WebSocket-Key', 'A'.repeat(8_192))],
    ['no Sec-WebSocket-Version', without('Sec-WebSocket-Version')],
    ['Sec-WebSocket-Version 8', setTo('Sec-WebSocket-Version', '8')],
    ['Sec-WebSocket-Version abc', setTo('Sec-WebSocket-Version', 'abc')],
    ['Sec-WebSocket-Version twice', setTo('Sec-WebSocket-Version', '13', '13')],
    ['no Sec-WebSocket-Protocol', without('Sec-WebSocket-Protocol')],
    ['empty Sec-WebSocket-Protocol', setTo('Sec-WebSocket-Protocol', '')],
    ['Sec-WebSocket-Protocol of commas', setTo('Sec-WebSocket-Protocol', ',,,')],
    ['Sec-WebSocket-Protocol twice', setTo('Sec-WebSocket-Protocol', 'graphql-transport-ws', 'graphql-ws')],
    ['Sec-WebSocket-Protocol of 8 KB', setTo('Sec-WebSocket-Protocol', 'p'.repeat(8_192))],
    ['Sec-WebSocket-Protocol with non-ASCII bytes', setTo('Sec-WebSocket-Protocol', nonAscii('graphql'))],
    ['no Host', without('Host')],
    ['Host twice', setTo('Host', host, 'evil.example')],
    ['empty Host', setTo('Host', '')],
    ['Host with a space', setTo('Host', 'a b')],
    ['Host: [::1', setTo('Host', '[::1')],
    ['Host: 999.999.999.999:99999', setTo('Host', '999.999.999.999:99999')],
    ['Host with non-ASCII bytes', setTo('Host', nonAscii('h'))],
    ['Upgrade: h2c', setTo('Upgrade', 'h2c')],
    ['Upgrade twice', setTo('Upgrade', 'websocket', 'websocket')],
    ['Origin with a NUL byte', setTo('Origin', Buffer.from('http://a\0b', 'latin1'))],
  ];

  it('answers or closes every malformed upgrade on every path, and still pays afterwards', async () => {
    const paths = ['/graphql', '/vk/payments', '/healthz', '/no-such-route'];
    const cases = paths.flatMap((path) =>
      headerCases().map(([name, mutate]) => ({ name: `${path}: ${name}`, bytes: request(path, mutate(base)) })),
    );
    const oddPaths = [
      '//',
      '/%zz',
      '*',
      'http://evil.example/graphql',
      `/${'a'.repeat(8_000)}`,
      '/graphql?%zz',
      '/graphql/../graphql',
      '/%67raphql',
      '/GRAPHQL',
      '/graphql%00',
      '/graphql#x',
      '?',
    ];
    for (const path of oddPaths)
      cases.push(
        { name: `path ${path.slice(0, 40)}`, bytes: request(path, setTo('Origin', 'null')(base)) },
        { name: `path ${path.slice(0, 40)} without Origin`, bytes: request(path, base) },
      );
    cases.push(
      {
        name: 'a header line without a colon',
        bytes: Buffer.from(`GET /graphql HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nnonsense\r\n\r\n`),
      },
      {
        name: 'HTTP/1.0 upgrade',
        bytes: Buffer.from(`GET /graphql HTTP/1.0\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nOrigin: null\r\n\r\n`),
      },
    );

    // A refused request is answered at once; the wait only matters for the upgrades that succeed (they stay open).
    const answers: [string, Exchange][] = await Promise.all(
      cases.map(async ({ name, bytes }) => [name, await exchange(t.url, [bytes], { waitMs: 3_000 })] as [string, Exchange]),
    );
    const byName = new Map(answers);
    // The listener refuses what it cannot read: a sandboxed frame's `Origin: null` gets a 403, on any path.
    for (const path of paths) expect(statusOf(byName.get(`${path}: Origin: null (a sandboxed frame)`)!), path).toBe(403);
    expect(statusOf(byName.get('/graphql: Origin twice, other origin first')!)).toBe(403);
    expect(statusOf(byName.get('/graphql: Origin of another site')!)).toBe(403);
    // ws refuses a handshake it cannot complete.
    expect(statusOf(byName.get('/graphql: no Sec-WebSocket-Key')!)).toBe(400);
    // Every request got an HTTP answer or a close; only a complete handshake on /graphql was upgraded; nothing failed inside.
    for (const [name, x] of answers) {
      const status = statusOf(x);
      expect(status === null ? x.closedByServer : status < 500, name).toBe(true);
      if (status === 101) expect(name, name).toMatch(/^(\/graphql: |path \/graphql\?)/);
    }
    await expectStillPays(t);
  });

  it('survives garbage after a completed handshake, and still pays afterwards', async () => {
    const handshake = request('/graphql', base);
    const accept = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='; // RFC 6455 §1.3's answer to KEY
    const garbage: [string, (string | Buffer)[]][] = [
      ['bytes glued to the handshake', [Buffer.concat([handshake, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff])])]],
      ['random bytes', [handshake, Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131) % 256))]],
      ['an unmasked frame', [handshake, frame(1, Buffer.from('{"type":"connection_init"}'), { masked: false })]],
      ['a reserved opcode', [handshake, frame(0x3, Buffer.from('x'))]],
      ['a frame claiming 2^63 bytes', [handshake, Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4])]],
      ['text that is not JSON', [handshake, frame(1, Buffer.from('{"type":'))]],
      ['a message of an unknown type', [handshake, frame(1, Buffer.from('{"type":"boom","payload":{"a":1}}'))]],
      [
        'a subscribe before connection_init',
        [handshake, frame(1, Buffer.from('{"id":"1","type":"subscribe","payload":{"query":"subscription { x }"}}'))],
      ],
      ['connection_init with a non-object payload', [handshake, frame(1, Buffer.from('{"type":"connection_init","payload":"Bearer x"}'))]],
      [
        'connection_init with a strange token',
        [handshake, frame(1, Buffer.from(JSON.stringify({ type: 'connection_init', payload: { authorization: { toString: 1 } } })))],
      ],
      ['invalid UTF-8 in a text frame', [handshake, frame(1, Buffer.from([0xc3, 0x28]))]],
      ['a close frame with a forbidden code', [handshake, frame(8, Buffer.from([0x03, 0xed]))]],
      ['a fragmented control frame', [handshake, frame(9, Buffer.from('x'), { fin: false })]],
      ['a half frame, then nothing', [handshake, frame(1, Buffer.from('{"type":"connection_init"}')).subarray(0, 5)]],
    ];
    const answers = await Promise.all(
      garbage.map(async ([name, chunks]) => [name, await exchange(t.url, chunks, { waitMs: 3_000, gapMs: 50 })] as const),
    );
    for (const [name, x] of answers) {
      expect(statusOf(x), name).toBe(101);
      expect(x.text, name).toContain(`Sec-WebSocket-Accept: ${accept}`);
    }
    await expectStillPays(t);
  });
});

describe('originAllowed', () => {
  it.each([
    [undefined, 'a.example', [], true],
    ['null', 'a.example', [], false],
    ['http://', 'a.example', [], false],
    ['://', 'a.example', [], false],
    ['http://a.example', 'a.example', [], true],
    ['https://A.example', 'a.example', [], true],
    ['http://a.example, http://b.example', 'a.example', [], false],
    ['javascript:a.example', 'a.example', [], false],
    ['http://a.example', undefined, [], false],
    ['https://embed.example', 'a.example', ['https://embed.example'], true],
  ] as const)('%s for Host %s (allowed %j): %s', (origin, host, allowed, expected) => {
    expect(originAllowed(origin, host, allowed)).toBe(expected);
  });
});
