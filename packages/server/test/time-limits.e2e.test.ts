/**
 * Slow and greedy clients over raw sockets: a body that never finishes arriving, headers sent a byte
 * at a time, an idle keep-alive connection, and one address opening more connections than its share.
 * Each is cut within its limit (short limits set through the environment, as an operator would), and
 * the server still pays afterwards.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_DIALECT, ROOT_TOKEN, startTestServer, type TestServer } from './helpers.js';
import { exchange, expectStillPays, seedPayingApp, statusOf } from './sockets.js';

// Far enough apart that a headers cut cannot be the request limit's (Node applies that to headers too).
const REQUEST_S = 2;
const HEADERS_S = 0.5;
const KEEPALIVE_S = 0.5;

describe('time limits on a connection', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(DEFAULT_DIALECT, {
      VKP_REQUEST_TIMEOUT: String(REQUEST_S),
      VKP_HEADERS_TIMEOUT: String(HEADERS_S),
      VKP_KEEPALIVE_TIMEOUT: String(KEEPALIVE_S),
    });
    await seedPayingApp(t);
  });
  afterAll(() => t?.close());

  it.each([
    ['/vk/payments', 'application/x-www-form-urlencoded', 'app_id=1&'],
    ['/graphql', 'application/json', '{"query":"'],
  ])('cuts a half-sent body on %s within the request deadline, and still pays', async (path, type, start) => {
    const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: 1000\r\n\r\n${start}`;
    const x = await exchange(t.url, [head], { waitMs: 10_000 });
    expect(x.closedByServer).toBe(true);
    expect(x.ms).toBeLessThan(REQUEST_S * 1000 + 1_500);
    expect(statusOf(x)).toBe(408);
    await expectStillPays(t);
  });

  it('cuts a body that trickles in byte by byte once the request deadline has passed', async () => {
    const head = `POST /vk/payments HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n`;
    const x = await exchange(t.url, [head, ...'a'.repeat(60)], { waitMs: 10_000, gapMs: 50 });
    expect(x.closedByServer).toBe(true);
    expect(x.ms).toBeLessThan(REQUEST_S * 1000 + 1_500);
    await expectStillPays(t);
  });

  it('cuts headers that are not complete within the headers deadline', async () => {
    const x = await exchange(t.url, ['GET /healthz HTTP/1.1\r\n', 'Host: x\r\n', 'X-Slow: 1\r\n'], { waitMs: 10_000, gapMs: 100 });
    expect(x.closedByServer).toBe(true);
    expect(x.ms).toBeLessThan(REQUEST_S * 1000 - 200);
    expect(statusOf(x)).toBe(408);
    await expectStillPays(t);
  });

  it('closes an idle keep-alive connection after the keep-alive limit', async () => {
    const x = await exchange(t.url, ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'], { waitMs: 10_000 });
    expect(statusOf(x)).toBe(200);
    expect(x.closedByServer).toBe(true);
    // Node waits a further second past keepAliveTimeout, so it never closes just as a client reuses the connection.
    expect(x.ms).toBeLessThan(KEEPALIVE_S * 1000 + 1_000 + 1_500);
  });

  it('keeps a live WebSocket open past the request and keep-alive limits (they apply to HTTP requests only)', async () => {
    const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: string[] = [];
    ws.on('message', (m) => messages.push((m as Buffer).toString()));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${ROOT_TOKEN}` } }));
    await new Promise((resolve) => setTimeout(resolve, (REQUEST_S + KEEPALIVE_S) * 1000 + 500));
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.send(JSON.stringify({ type: 'ping' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(messages).toEqual(['{"type":"connection_ack"}', '{"type":"pong"}']);
    ws.close();
  });
});

/** Opens a connection and resolves once it is open, with whether the server later refuses it. */
async function open(url: string): Promise<{ socket: Socket; refused: Promise<boolean> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  socket.on('data', (b: Buffer) => (text += b.toString()));
  const refused = new Promise<boolean>((resolve) => {
    socket.once('close', () => resolve(text.startsWith('HTTP/1.1 503')));
    socket.on('error', () => undefined);
    setTimeout(() => resolve(false), 1_000).unref();
  });
  return { socket, refused };
}

describe('connections per client address', () => {
  const CAP = 8;
  const servers: TestServer[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.close())));

  it(`refuses connection ${CAP + 1} from one address but not connection ${CAP}, and takes new ones once some close`, async () => {
    const t = await startTestServer(DEFAULT_DIALECT, { VKP_MAX_CONNECTIONS_PER_IP: String(CAP) });
    servers.push(t);
    const held = await Promise.all(Array.from({ length: CAP }, () => open(t.url)));
    const extra = await open(t.url);
    expect(await extra.refused).toBe(true);
    expect(await Promise.all(held.map((c) => c.refused))).toEqual(Array(CAP).fill(false));
    // The held ones still work.
    held[0]!.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => held[0]!.socket.once('data', resolve));
    // Once one closes, the address may open another.
    held[1]!.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await open(t.url);
    expect(await again.refused).toBe(false);
    for (const c of [...held, again]) c.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('logs a failed accept (out of file descriptors) instead of throwing it, and keeps serving', async () => {
    const t = await startTestServer(DEFAULT_DIALECT);
    servers.push(t);
    const failure = Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', syscall: 'accept' });
    expect(() => t.server.http.server.emit('error', failure)).not.toThrow();
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it.each(['1', 'true'])('still caps every peer with VKP_TRUST_PROXY=%s, which names no proxy by address', async (trust) => {
    const t = await startTestServer(DEFAULT_DIALECT, { VKP_MAX_CONNECTIONS_PER_IP: String(CAP), VKP_TRUST_PROXY: trust });
    servers.push(t);
    const held = await Promise.all(Array.from({ length: CAP }, () => open(t.url)));
    const extra = await open(t.url);
    expect(await extra.refused).toBe(true);
    for (const c of held) c.socket.destroy();
  });

  it('never caps a proxy named by address, which carries many clients', async () => {
    const t = await startTestServer(DEFAULT_DIALECT, { VKP_MAX_CONNECTIONS_PER_IP: String(CAP), VKP_TRUST_PROXY: '127.0.0.1' });
    servers.push(t);
    const held = await Promise.all(Array.from({ length: CAP * 2 }, () => open(t.url)));
    expect(await Promise.all(held.map((c) => c.refused))).toEqual(Array(CAP * 2).fill(false));
    for (const c of held) c.socket.destroy();
  });
});

/** Opens an anonymous graphql-ws socket saying it forwards for `forwardedFor`; resolves with its close code. */
async function anonymousSocketCloses(t: TestServer, forwardedFor: string): Promise<number> {
  const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', {
    headers: { 'x-forwarded-for': forwardedFor },
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
  ws.on('error', () => undefined);
  return closed;
}

const anonymous = (t: TestServer, forwardedFor: string) =>
  fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: '{"query":"{ __typename }"}',
  }).then((r) => r.status);

describe('the client address behind a trusted proxy', () => {
  it("is the same for graphql-ws as for HTTP: an anonymous socket spends the forwarded client's allowance, not the proxy's", async () => {
    const t = await startTestServer(DEFAULT_DIALECT, { VKP_RATE_LIMIT: '2', VKP_TRUST_PROXY: '127.0.0.1' });
    try {
      expect([await anonymous(t, '203.0.113.1'), await anonymous(t, '203.0.113.1')]).toEqual([200, 200]);
      expect(await anonymousSocketCloses(t, '203.0.113.1')).toBe(4429);
      // Another client behind the same proxy has its own allowance (no token: refused as forbidden, not limited).
      expect(await anonymousSocketCloses(t, '203.0.113.2')).toBe(4403);
      expect(await anonymous(t, '203.0.113.2')).toBe(200);
      expect(await anonymous(t, '203.0.113.2')).toBe(429);
    } finally {
      await t.close();
    }
  });

  it.each([
    ['127.0.0.1', 'is the forwarded address: another client has its own allowance', 200],
    ['', 'is the socket peer when no proxy is trusted: X-Forwarded-For cannot buy a fresh allowance', 429],
  ])('with VKP_TRUST_PROXY=%j it %s', async (trust, _behaviour, second) => {
    const t = await startTestServer(DEFAULT_DIALECT, { VKP_RATE_LIMIT: '2', VKP_TRUST_PROXY: trust });
    try {
      const first = [await anonymous(t, '203.0.113.1'), await anonymous(t, '203.0.113.1'), await anonymous(t, '203.0.113.1')];
      expect(first).toEqual([200, 200, 429]);
      expect(await anonymous(t, '203.0.113.2')).toBe(second);
    } finally {
      await t.close();
    }
  });
});
