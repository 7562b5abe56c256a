/**
 * GraphQL subscriptions over the graphql-ws protocol on the same path as HTTP GraphQL (`/graphql`).
 * The bearer token comes in the connection's `connectionParams.authorization` (browsers cannot set
 * headers on a WebSocket) or in the upgrade request's Authorization header.
 *
 * The same path as HTTP for everything HTTP enforces: the connection is let in as an HTTP request is
 * (http/admission.ts: its token looked up, then the allowance HTTP spends; without a valid token, the
 * allowance of the client's address, found as HTTP's `req.ip` is, behind a trusted proxy too), and
 * each `subscribe` spends the principal's allowance;
 * every document goes through checkDocument (validation.ts: GraphQL's rules, the document limits,
 * introspection only with a token) and every error through formatError (masking).
 *
 * A socket lives no longer than its token: when the cluster bus announces a revocation (any instance's,
 * the CLI's) and, as a fallback, every `recheckMs`, the token of each open socket is looked up again in
 * the shared database, and a revoked one ends its socket (close 4403); a widget session's socket also
 * closes at `expiresAt` (close 4401).
 *
 * A socket costs bounded memory whoever opens it: frames are refused past MAX_FRAME_BYTES (close 1009)
 * before they are buffered or parsed, a socket that sends no `connection_init` is closed after
 * INIT_TIMEOUT_MS (close 4408), a principal opens at most MAX_SOCKETS_PER_PRINCIPAL sockets per
 * instance (close 4429), and a socket runs at most MAX_OPERATIONS_PER_SOCKET operations at once (the
 * extra `subscribe` gets RATE_LIMITED), so one notification fans out to a bounded number of pushes.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Principal } from '../access/permissions.js';
import type { Authentication } from '../keys/tokens.js';
import type { Admission } from './admission.js';
import { rateLimitKey, type RateLimiter } from './rate-limit.js';
import type { Context } from '../graphql/context.js';
import { ApiError } from '../graphql/errors.js';
import { checkDocument } from '../graphql/validation.js';

export interface WebSocketOptions {
  server: Server;
  path: string;
  schema: GraphQLSchema;
  /** Who holds a bearer token (or undefined), as HTTP decides it. */
  authenticate: (token: string | undefined) => Promise<Authentication>;
  /** The per-operation context of an authenticated principal. */
  context: (principal: Principal) => Context;
  /** The API's limiter, shared with HTTP (each `subscribe` spends from it). */
  limiter: RateLimiter;
  /** HTTP's admission (lookup, then the limit): opening a socket is let in or refused as a request is. */
  admission: Admission;
  /** The client's address as HTTP's `req.ip` gives it (behind a trusted proxy, the forwarded client). */
  clientAddress: (request: IncomingMessage) => string | undefined;
  /** The error path of HTTP GraphQL: masking of anything that is not ours to show. */
  formatError: (error: GraphQLError) => GraphQLFormattedError;
  /** How often each open socket's token is checked again (revocation, expiry). */
  recheckMs: number;
  /** Reports a failure of our own code (the socket stays usable or is closed, never the process). */
  onError: (err: unknown, what: string) => void;
  /** Origins allowed to open a socket from a browser (the CORS list); empty = same origin only. */
  allowedOrigins: readonly string[];
  /** Internal messages in close reasons (VKP_DEBUG); graphql-ws would otherwise decide by NODE_ENV. */
  debug?: boolean;
}

/** graphql-ws close codes (4400–4499 are the protocol's client errors). */
export const CLOSE = { expired: 4401, forbidden: 4403, rateLimited: 4429 } as const;

/**
 * The largest WebSocket message (all fragments together) a client may send. ws's own default is
 * 100 MiB, buffered whole and parsed by graphql-ws before any token is checked: a few sockets of
 * ~95 MB each took the server to gigabytes. Our messages are `connection_init` (a token), `subscribe`
 * (a document within the document limits of validation.ts: 2,000 tokens, a few KB) and ping/pong, so
 * 64 KB leaves ample room; HTTP GraphQL bodies, which carry mutations' inputs, have 1 MB.
 */
export const MAX_FRAME_BYTES = 64 * 1024;

/**
 * How long a socket may stay open without sending `connection_init`. Clients send it as soon as the
 * socket opens (graphql-ws's client and the widget's live.ts do), so only a socket that never means to
 * authenticate waits: it holds a connection of its address's cap for no more than this. The same as
 * graphql-ws's default, stated here so a library upgrade cannot change it.
 */
export const INIT_TIMEOUT_MS = 3_000;

/**
 * Operations one socket may run at once (subscriptions, and queries or mutations while they run). The
 * widget uses one per socket; without a cap one socket held 550 `notificationLogged` subscriptions and
 * each notification became 550 pushes. Ten leaves room for a script watching a few apps.
 */
export const MAX_OPERATIONS_PER_SOCKET = 10;

/**
 * Sockets one principal (root token, API key or widget session) may hold open on one instance. The
 * widget opens one per browser tab; twenty covers a busy operator, while a leaked or scripted token
 * cannot multiply the fan-out of every notification (MAX_OPERATIONS_PER_SOCKET each) without bound.
 */
export const MAX_SOCKETS_PER_PRINCIPAL = 20;

/** The longest delay setTimeout takes (about 24.8 days); a later expiry is found by the recheck. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface LiveSocket {
  token: string | undefined;
  /** Whose socket this is, for MAX_SOCKETS_PER_PRINCIPAL (the rate limit's key: one per token, key or session). */
  owner: string;
  principal: Principal;
  address: string | undefined;
  expiry: NodeJS.Timeout | undefined;
}

type Extra = { socket: WebSocket; request: IncomingMessage };

/**
 * A page on another origin may only open a socket when that origin is allowed (as with CORS). Anything
 * that is not an absolute URL — `null` from a sandboxed frame, a repeated header joined with commas,
 * bytes no browser sends — is refused, never thrown.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true; // not a browser: the token decides
  if (allowed.includes(origin)) return true;
  if (!host || !URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase();
}

const FORBIDDEN = 'HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

function tokenOf(params: unknown, header: string | undefined): string | undefined {
  const fromParams = typeof params === 'object' && params !== null ? (params as Record<string, unknown>).authorization : undefined;
  const raw = typeof fromParams === 'string' ? fromParams : header;
  return raw ? /^Bearer\s+(\S+)\s*$/i.exec(raw)?.[1] : undefined;
}

function rateLimited(retryAfterSeconds: number): ApiError {
  return new ApiError('RATE_LIMITED', `too many requests: try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
}

/** RATE_LIMITED, as for other "too much from one principal" refusals, but without a retry time: waiting does not help, ending an operation does. */
function tooManyOperations(): ApiError {
  return new ApiError(
    'RATE_LIMITED',
    `too many operations on this connection: at most ${MAX_OPERATIONS_PER_SOCKET} at once; complete one first`,
    {
      limit: MAX_OPERATIONS_PER_SOCKET,
    },
  );
}

export interface LiveSockets {
  /** Looks every open socket's token up now (the bus announced a revocation), besides every `recheckMs`. */
  recheckSoon(): void;
  close(): Promise<void>;
}

export function attachGraphqlWebSocket(o: WebSocketOptions): LiveSockets {
  // Compression stays off (ws's default for servers): our messages are small, and inflating costs CPU before any token is checked.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  o.server.on('upgrade', (req, socket, head) => {
    // Node hands the socket over without its error listener: a reset before ws takes it must not throw.
    socket.on('error', () => socket.destroy());
    try {
      const pathname = (req.url ?? '').split('?')[0];
      if (pathname !== o.path || !originAllowed(req.headers.origin, req.headers.host, o.allowedOrigins)) {
        socket.end(FORBIDDEN);
        // The server keeps half-open sockets: one whose peer never closes must not stay open.
        setTimeout(() => socket.destroy(), 1_000).unref();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        wss.emit('connection', ws, req);
        // A socket's 'error' is the peer breaking the protocol (a message over MAX_FRAME_BYTES, invalid
        // UTF-8, an unmasked frame), and ws has already closed it with the matching code (1009, 1007,
        // 1002). graphql-ws would print each one to stderr as an "internal error", stack and all, so
        // anyone could flood the log: its listener is replaced by one that only keeps 'error' handled.
        ws.removeAllListeners('error');
        ws.on('error', () => undefined);
      });
    } catch (err) {
      o.onError(err, 'WebSocket upgrade failed');
      socket.destroy();
    }
  });
  wss.on('error', (err) => o.onError(err, 'WebSocket server error'));

  const live = new Map<WebSocket, LiveSocket>();
  /** Open sockets per owner (LiveSocket.owner), kept with `live`. */
  const owned = new Map<string, number>();

  function closeAtExpiry(socket: WebSocket, principal: Principal): NodeJS.Timeout | undefined {
    if (principal.kind !== 'session') return undefined;
    const ms = principal.expiresAt.getTime() - Date.now();
    if (ms > MAX_TIMER_MS) return undefined;
    const timer = setTimeout(() => socket.close(CLOSE.expired, 'Session expired'), Math.max(0, ms));
    timer.unref();
    return timer;
  }

  function forget(socket: WebSocket): void {
    const entry = live.get(socket);
    if (!entry) return;
    if (entry.expiry) clearTimeout(entry.expiry);
    live.delete(socket);
    const left = (owned.get(entry.owner) ?? 1) - 1;
    if (left > 0) owned.set(entry.owner, left);
    else owned.delete(entry.owner);
  }

  /** Looks every open socket's token up again; one that is no longer valid ends its socket. */
  let rechecking = false;
  async function recheck(): Promise<void> {
    if (rechecking) return;
    rechecking = true;
    // One lookup per token a round, however many sockets share it (a widget opens one per tab).
    const round = new Map<string | undefined, Promise<Authentication>>();
    try {
      for (const [socket, entry] of [...live]) {
        try {
          let lookup = round.get(entry.token);
          if (!lookup) round.set(entry.token, (lookup = o.authenticate(entry.token)));
          const auth = await lookup;
          if (auth.principal) entry.principal = auth.principal;
          else {
            forget(socket);
            socket.close(
              /expired/.test(auth.reason ?? '') ? CLOSE.expired : CLOSE.forbidden,
              auth.reason ? 'Token no longer valid' : 'Forbidden',
            );
          }
        } catch (err) {
          // The database may be away for a moment: keep the socket, try again at the next round.
          o.onError(err, 're-checking a live socket failed');
        }
      }
    } finally {
      rechecking = false;
      if (recheckAgain) {
        recheckAgain = false;
        void recheck();
      }
    }
  }
  /** A round began before the change it was asked for may have looked its token up already: one more round then. */
  let recheckAgain = false;
  function recheckSoon(): void {
    if (rechecking) recheckAgain = true;
    else void recheck();
  }
  // The fallback: revocations are announced on the cluster bus (recheckSoon), but a bus may miss one.
  const rechecks = setInterval(() => void recheck(), o.recheckMs);
  rechecks.unref();

  const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] => errors.map((e) => o.formatError(e));

  const server = useServer<Record<string, unknown> | undefined, Extra>(
    {
      isProd: !o.debug,
      schema: o.schema,
      connectionInitWaitTimeout: INIT_TIMEOUT_MS,
      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        try {
          const token = tokenOf(ctx.connectionParams, request.headers.authorization);
          const address = o.clientAddress(request);
          const admitted = await o.admission.admit(token, address, o.authenticate);
          if (!admitted.ok) {
            socket.close(CLOSE.rateLimited, 'Too many requests');
            return false;
          }
          const { auth } = admitted;
          if (!auth.principal) return false;
          const owner = rateLimitKey(auth.principal, address);
          // The peer may have gone while the token was looked up: its close came before it was counted,
          // so counting it now would hold its place (and its principal's) for good.
          if (socket.readyState !== socket.OPEN) return false;
          // Counted and registered with no await in between, so sockets opening at once cannot all pass.
          if ((owned.get(owner) ?? 0) >= MAX_SOCKETS_PER_PRINCIPAL) {
            socket.close(CLOSE.rateLimited, 'Too many connections for this token');
            return false;
          }
          live.set(socket, { token, owner, principal: auth.principal, address, expiry: closeAtExpiry(socket, auth.principal) });
          owned.set(owner, (owned.get(owner) ?? 0) + 1);
          return true;
        } catch (err) {
          o.onError(err, 'opening a live socket failed');
          return false;
        }
      },
      onClose: (ctx) => forget(ctx.extra.socket),
      onSubscribe: (ctx, _id, payload) => {
        const entry = live.get(ctx.extra.socket);
        if (!entry) return [new ApiError('UNAUTHENTICATED', 'the token of this connection is no longer valid')];
        try {
          const verdict = o.limiter.take(rateLimitKey(entry.principal, entry.address));
          if (!verdict.ok) return [rateLimited(verdict.retryAfterSeconds)];
          // graphql-ws lists this operation already, and drops each one when it ends.
          if (Object.keys(ctx.subscriptions).length > MAX_OPERATIONS_PER_SOCKET) return [tooManyOperations()];
          const checked = checkDocument(o.schema, payload.query, payload.operationName, payload.variables, entry.principal);
          if ('errors' in checked) return checked.errors;
          return {
            schema: o.schema,
            document: checked.document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue: o.context(entry.principal),
          };
        } catch (err) {
          o.onError(err, 'starting a live operation failed');
          return [new ApiError('INTERNAL_SERVER_ERROR', 'Internal server error')];
        }
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : undefined),
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
  );
  return {
    recheckSoon,
    async close() {
      clearInterval(rechecks);
      for (const socket of [...live.keys()]) forget(socket);
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
