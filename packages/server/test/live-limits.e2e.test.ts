/**
 * What one WebSocket, or one principal's sockets, may cost the server: a message over the frame limit
 * is refused by its length (close 1009) before it is buffered or parsed, token or not; a socket that
 * never sends `connection_init` is closed; one socket runs a bounded number of operations, so one
 * notification fans out to a bounded number of pushes; one principal holds a bounded number of sockets.
 * After each attack the server still answers /healthz and books a signed payment.
 */
import type { Client } from 'graphql-ws';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { INIT_TIMEOUT_MS, MAX_FRAME_BYTES, MAX_OPERATIONS_PER_SOCKET, MAX_SOCKETS_PER_PRINCIPAL } from '../src/http/websocket.js';
import { DEFAULT_DIALECT, issueToken, ROOT_TOKEN, signed, startTestServer, wsClient, type TestServer, waitFor } from './helpers.js';
import { expectStillPays, PAYING_APP, seedPayingApp } from './sockets.js';

const LOGGED = `subscription { notificationLogged(vkAppId: ${PAYING_APP}) { id vkUserId } }`;
const PROTOCOL = 'graphql-transport-ws';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw socket on /graphql; `closed` is the close code the client saw, `acked` whether a connection_ack came. */
function rawSocket(url: string): { socket: WebSocket; opened: Promise<void>; closed: Promise<number>; acked: () => boolean } {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, PROTOCOL);
  let acked = false;
  socket.on('message', (data) => {
    if ((JSON.parse((data as Buffer).toString()) as { type: string }).type === 'connection_ack') acked = true;
  });
  // A reset while we are still writing is a close too; the code then says 1006.
  socket.on('error', () => undefined);
  const opened = new Promise<void>((resolve) => socket.once('open', () => resolve()));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return { socket, opened, closed, acked: () => acked };
}

/** A `connection_init` of `bytes` bytes, padded inside its payload (where a token would go). */
function connectionInit(bytes: number, token?: string): string {
  const head = JSON.stringify({ type: 'connection_init', payload: { ...(token && { authorization: `Bearer ${token}` }), pad: '' } });
  return head.replace('"pad":""', `"pad":"${'x'.repeat(bytes - head.length)}"`);
}

let t: TestServer;
let user = 0;
const clients: Client[] = [];
const sockets: WebSocket[] = [];

const logLines: { level: number; msg?: string }[] = [];

beforeAll(async () => {
  // The server's own log, to see that a peer's protocol error is not logged as our failure.
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { level: number; msg?: string }),
      );
      done();
    },
  });
  t = await startTestServer(DEFAULT_DIALECT, {}, { logger: { level: 'info', stream } });
  await seedPayingApp(t);
});
afterAll(async () => {
  for (const s of sockets) s.terminate();
  await Promise.all(clients.map((c) => Promise.resolve(c.dispose())));
  await t?.close();
});
afterEach(() => vi.restoreAllMocks());

const notify = () =>
  t.notify(signed({ app_id: PAYING_APP, item: 'gem_pack', notification_type: 'get_item_test', user_id: ++user, version: '5.132' }));

function client(token: string): Client {
  const c = wsClient(t.url, token);
  clients.push(c);
  return c;
}

/** Resolves 'connected' when the server acknowledges the connection, or with the close code. */
function connection(c: Client): Promise<'connected' | number> {
  return new Promise((resolve) => {
    c.on('connected', () => resolve('connected'));
    c.on('closed', (e) => resolve((e as { code: number }).code));
  });
}

describe('message size', () => {
  it('refuses a 2 MB connection_init without a token with close 1009, quietly, and still pays', async () => {
    const stderr = vi.spyOn(console, 'error');
    const logged = logLines.length;
    // Several at once, as the reviewer's 24 × 95 MB: each is refused by its declared length.
    const attempts = Array.from({ length: 8 }, () => rawSocket(t.url));
    sockets.push(...attempts.map((a) => a.socket));
    await Promise.all(
      attempts.map(async (a) => {
        await a.opened;
        a.socket.send(connectionInit(2 * 1024 * 1024));
      }),
    );
    const codes = await Promise.all(attempts.map((a) => Promise.race([a.closed, sleep(5_000).then(() => 'still open')])));
    expect(codes).toEqual(attempts.map(() => 1009));
    // A peer's protocol error is not an internal error: nothing of it reaches the log, let alone a stack.
    expect(stderr).not.toHaveBeenCalled(); // graphql-ws's own console.error for a protocol error
    expect(logLines.slice(logged).filter((l) => l.level >= 50)).toEqual([]);
    await expectStillPays(t);
  });

  it('counts a message sent in fragments as a whole', async () => {
    const a = rawSocket(t.url);
    sockets.push(a.socket);
    await a.opened;
    const message = Buffer.from(connectionInit(MAX_FRAME_BYTES + 1_024, ROOT_TOKEN));
    const piece = 4_096;
    for (let at = 0; at < message.length; at += piece)
      a.socket.send(message.subarray(at, at + piece), { fin: at + piece >= message.length });
    expect(await Promise.race([a.closed, sleep(5_000).then(() => 'still open')])).toBe(1009);
    expect(a.acked()).toBe(false);
    await expectStillPays(t);
  });

  it('still serves a message just under the limit', async () => {
    const a = rawSocket(t.url);
    sockets.push(a.socket);
    await a.opened;
    a.socket.send(connectionInit(MAX_FRAME_BYTES - 1_024, ROOT_TOKEN));
    expect(await waitFor(a.acked, 3_000)).toBe(true);
    a.socket.close(1000);
  });
});

describe('connection_init wait', () => {
  it('closes a socket that never sends connection_init within the wait (4408), and still pays', async () => {
    const a = rawSocket(t.url);
    sockets.push(a.socket);
    await a.opened;
    const started = Date.now();
    const code = await Promise.race([a.closed, sleep(INIT_TIMEOUT_MS + 2_000).then(() => 'still open')]);
    expect(code).toBe(4408);
    expect(Date.now() - started).toBeLessThan(INIT_TIMEOUT_MS + 1_000);
    await expectStillPays(t);
  });
});

describe('operations per socket', () => {
  it(`runs at most ${MAX_OPERATIONS_PER_SOCKET} operations on one socket: the next subscribe gets RATE_LIMITED, and one notification makes at most that many pushes`, async () => {
    const key = await issueToken(t.server.orm, PAYING_APP, 'PAYMENTS_ADMIN');
    const c = client(key.token);
    expect(await connection(c)).toBe('connected');
    /** The users of the notifications each subscription heard, in order. */
    const heard: number[][] = [];
    const stops: (() => void)[] = [];
    for (let i = 0; i < MAX_OPERATIONS_PER_SOCKET; i++) {
      const users: number[] = [];
      heard.push(users);
      stops.push(
        c.subscribe<{ notificationLogged: { vkUserId: number } }>(
          { query: LOGGED },
          {
            next: (value) => void users.push(value.data!.notificationLogged.vkUserId),
            error: () => undefined,
            complete: () => undefined,
          },
        ),
      );
    }
    // Every subscription is live once one notification reached all of them.
    for (let i = 0; i < 20 && heard.some((u) => u.length === 0); i++) {
      await notify();
      await waitFor(() => heard.every((u) => u.length > 0), 250);
    }
    expect(heard.every((u) => u.length > 0)).toBe(true);

    const refused = new Promise<unknown>((resolve) =>
      c.subscribe({ query: LOGGED }, { next: () => resolve('an event'), error: resolve, complete: () => resolve('complete') }),
    );
    expect(await Promise.race([refused, sleep(3_000).then(() => 'no answer')])).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/at most 10 at once/) as string,
        extensions: { code: 'RATE_LIMITED', limit: MAX_OPERATIONS_PER_SOCKET },
      }) as object,
    ]);

    // One notification: one push per live subscription, and no more. A later one then reaches every
    // subscription; each delivers in order, so every push of the first has arrived by then.
    await notify();
    const first = user;
    await notify();
    const later = user;
    expect(await waitFor(() => heard.every((u) => u.includes(later)), 5_000)).toBe(true);
    expect(heard.map((u) => u.filter((id) => id === first).length)).toEqual(heard.map(() => 1));

    // Completing one frees its place.
    stops[0]!();
    let events = 0;
    c.subscribe({ query: LOGGED }, { next: () => void events++, error: () => undefined, complete: () => undefined });
    for (let i = 0; i < 20 && events === 0; i++) {
      await notify();
      await waitFor(() => events > 0, 250);
    }
    expect(events).toBeGreaterThan(0);
    await expectStillPays(t);
  });
});

describe('sockets per principal', () => {
  it(`lets one token hold at most ${MAX_SOCKETS_PER_PRINCIPAL} sockets: the next is closed with 4429, other tokens are unaffected, a closed socket frees its place`, async () => {
    const key = await issueToken(t.server.orm, PAYING_APP, 'PAYMENTS_ADMIN');
    const other = await issueToken(t.server.orm, PAYING_APP, 'PAYMENTS_ADMIN');
    // Opened at once: the count must hold when the sockets race each other.
    const mine = Array.from({ length: MAX_SOCKETS_PER_PRINCIPAL + 1 }, () => client(key.token));
    const outcomes = await Promise.all(mine.map(connection));
    expect(outcomes.filter((o) => o === 'connected')).toHaveLength(MAX_SOCKETS_PER_PRINCIPAL);
    expect(outcomes.filter((o) => o !== 'connected')).toEqual([4429]);

    expect(await connection(client(other.token))).toBe('connected');

    const open = mine.filter((_, i) => outcomes[i] === 'connected');
    await open[0]!.dispose();
    // The server forgets the socket when its close arrives.
    let again: 'connected' | number = 0;
    for (let i = 0; i < 20 && again !== 'connected'; i++) {
      again = await connection(client(key.token));
      if (again !== 'connected') await sleep(100);
    }
    expect(again).toBe('connected');
    await expectStillPays(t);
  });
});
