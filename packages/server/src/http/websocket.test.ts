/**
 * The socket count of a principal, with a token lookup the test holds back: a socket whose peer is gone
 * before its token was looked up must not keep its place. (On PostgreSQL the lookup waits for the
 * database, and a client that opens, authenticates and vanishes at once lands exactly there.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { until } from '../../test/helpers.js';
import { WebSocket } from 'ws';
import type { Authentication } from '../keys/tokens.js';
import { createAdmission } from './admission.js';
import { createRateLimiter } from './rate-limit.js';
import type { Context } from '../graphql/context.js';
import { attachGraphqlWebSocket, MAX_SOCKETS_PER_PRINCIPAL } from './websocket.js';

const ROOT: Authentication = { principal: { kind: 'root', keyId: null } };
/** The server's end of every upgraded socket still open (watched beside the WebSocket server's own listener). */
let openOnServer = 0;

let server: Server;
let url: string;
let live: { close(): Promise<void> };
/** While set, each lookup waits for it (the test releases it once the peer has gone). */
let held: Promise<void> | undefined;
/** Token lookups begun, and those that got past `held`. */
const lookups = { started: 0, finished: 0 };
const failures: unknown[] = [];

const limiter = createRateLimiter({ max: 0 });

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (_req, socket: Duplex) => {
    openOnServer++;
    socket.once('close', () => openOnServer--);
  });
  live = attachGraphqlWebSocket({
    server,
    path: '/graphql',
    schema: buildSchema('type Query { ok: Boolean }'),
    authenticate: async () => {
      lookups.started++;
      await held;
      lookups.finished++;
      return ROOT;
    },
    context: () => ({}) as Context,
    limiter,
    admission: createAdmission(limiter),
    clientAddress: (req) => req.socket.remoteAddress,
    formatError: (e) => e.toJSON(),
    recheckMs: 60_000,
    onError: (err) => void failures.push(err),
    allowedOrigins: [],
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await live.close();
  await new Promise((resolve) => server.close(resolve));
});

/** Opens a socket and sends connection_init; resolves with 'ack' or the close code. */
function open(): { socket: WebSocket; outcome: Promise<'ack' | number> } {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  socket.on('error', () => undefined);
  socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer root' } })));
  const outcome = new Promise<'ack' | number>((resolve) => {
    socket.on('message', (m) => (JSON.parse((m as Buffer).toString()) as { type: string }).type === 'connection_ack' && resolve('ack'));
    socket.once('close', (code) => resolve(code));
  });
  return { socket, outcome };
}

it('does not count a socket whose peer went away while its token was looked up', async () => {
  let release!: () => void;
  held = new Promise((r) => (release = r));
  const gone = Array.from({ length: MAX_SOCKETS_PER_PRINCIPAL + 5 }, open);
  // Each has sent its token (the lookup is waiting) before it goes.
  await until('every token looked up', () => lookups.started === gone.length);
  for (const g of gone) g.socket.terminate();
  await Promise.all(gone.map((g) => g.outcome));
  // The server has seen every close.
  await until('every close seen by the server', () => openOnServer === 0);
  release();
  held = undefined;
  // Every lookup has returned, and what the server does next without I/O has run.
  await until('every lookup returned', () => lookups.finished === gone.length);

  const next = open();
  expect(await next.outcome).toBe('ack');
  next.socket.close();
  expect(failures).toEqual([]);
});
