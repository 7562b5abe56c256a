/**
 * The CLI's client of a remote vk-payments server, over its public API only: GraphQL over HTTP, and
 * graphql-ws on the same path for live streams (README "The developer's terminal"). Never the database:
 * these commands run on a developer's laptop against `--url`.
 *
 * One table of exit codes, one error class, one place that turns a failure into a line on stderr.
 */
import { API_ERROR_CODES } from '@vk-payments/shared';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** How the remote commands end (`echo $?`). */
export const EXIT = {
  OK: 0,
  /** The server refused the operation (FORBIDDEN, NOT_FOUND, BAD_USER_INPUT…), or the local backend failed. */
  FAILED: 1,
  /** Bad arguments: no --url or --token, a malformed value. */
  USAGE: 2,
  /** No server answered at --url (or not a vk-payments server). */
  UNREACHABLE: 3,
  /** The token was refused (UNAUTHENTICATED). */
  UNAUTHENTICATED: 4,
} as const;

export class RemoteError extends Error {
  override name = 'RemoteError';
  constructor(
    message: string,
    readonly exitCode: number,
    /** The server's `extensions.code`, when it gave one. */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export interface RemoteOptions {
  url?: string | undefined;
  token?: string | undefined;
  /** Allows http: to a host other than this machine: the token then crosses the network in clear. */
  insecure?: boolean | undefined;
}

/** This machine: the only host a token may be sent to over plain http without --insecure. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export interface Remote {
  /** The GraphQL endpoint (HTTP). */
  graphql: string;
  token: string;
}

/** How long one HTTP request may take before the command gives up on the server. */
const REQUEST_TIMEOUT_MS = 30_000;

/** `--url` is the server's base URL (`https://pay.example.com`); a URL that already ends in /graphql is taken as it is. */
export function remoteOf(o: RemoteOptions): Remote {
  if (!o.url) throw new RemoteError("pass --url (the server's base URL, e.g. https://pay.example.com) or set VKP_URL", EXIT.USAGE);
  if (!o.token) throw new RemoteError('pass --token (an API key, or the root token) or set VKP_TOKEN', EXIT.USAGE);
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    // Not echoed: it may hold a password.
    throw new RemoteError('--url: not a URL', EXIT.USAGE);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RemoteError('--url: must be http(s)', EXIT.USAGE);
  // The token is the credential: one in the URL would be printed by every message that names the server.
  url.username = '';
  url.password = '';
  if (url.protocol === 'http:' && !o.insecure && !isLoopback(url.hostname)) {
    throw new RemoteError(
      `--url: http://${url.host} is not this machine: the token would cross the network in clear (and the live streams over ws:). ` +
        'Use https://, or pass --insecure to send it anyway.',
      EXIT.USAGE,
    );
  }
  url.search = '';
  url.hash = '';
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/graphql') ? path : `${path}/graphql`;
  return { graphql: url.toString(), token: o.token };
}

interface GraphqlError {
  message?: unknown;
  extensions?: { code?: unknown; field?: unknown; retryAfterSeconds?: unknown };
}

/** One line for a GraphQL error: `CODE: message`; UNAUTHENTICATED ends the command with its own exit code. */
export function graphqlFailure(errors: readonly GraphqlError[]): RemoteError {
  const first = errors[0] ?? {};
  const code = typeof first.extensions?.code === 'string' ? first.extensions.code : null;
  const message = typeof first.message === 'string' ? first.message : 'the server refused the operation';
  const retry = typeof first.extensions?.retryAfterSeconds === 'number' ? ` (retry in ${first.extensions.retryAfterSeconds} s)` : '';
  const exit = code === API_ERROR_CODES.UNAUTHENTICATED ? EXIT.UNAUTHENTICATED : EXIT.FAILED;
  const hint = code === API_ERROR_CODES.UNAUTHENTICATED ? ': check --token / VKP_TOKEN' : '';
  return new RemoteError(`${code ? `${code}: ` : ''}${message}${retry}${hint}`, exit, code);
}

function unreachable(remote: Remote, err: unknown): RemoteError {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  const why =
    err instanceof Error && err.name === 'TimeoutError'
      ? `no answer in ${REQUEST_TIMEOUT_MS / 1000} s`
      : typeof cause?.code === 'string'
        ? cause.code
        : typeof cause?.message === 'string'
          ? cause.message
          : err instanceof Error
            ? err.message
            : String(err);
  return new RemoteError(`cannot reach the server at ${remote.graphql}: ${why}`, EXIT.UNREACHABLE);
}

/** Runs one query or mutation; throws RemoteError (unreachable, not GraphQL, or the server's first error). */
export async function request<T>(remote: Remote, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(remote.graphql, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${remote.token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (err) {
    throw unreachable(remote, err);
  }
  const notGraphql = new RemoteError(
    `${remote.graphql} answered HTTP ${res.status}, not GraphQL: is --url the vk-payments server's base URL?`,
    EXIT.UNREACHABLE,
  );
  let body: { data?: T | null; errors?: GraphqlError[] } | null;
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw notGraphql;
  }
  if (Array.isArray(body?.errors) && body.errors.length) throw graphqlFailure(body.errors);
  if (!res.ok || !body?.data) throw notGraphql;
  return body.data;
}

/** Closes that say "not this token" (revoked, expired) or "not this many sockets": retrying would not help (http/websocket.ts CLOSE). */
const FINAL_CLOSES = new Set<unknown>([4401, 4403, 4429]);

export interface LiveStream<T> {
  remote: Remote;
  query: string;
  variables: Record<string, unknown>;
  onData(data: T): void | Promise<void>;
  /** Lines for people about the connection (stderr): lost, reconnecting, back. */
  status(line: string): void;
  /** Called on every (re)connection after the first. */
  onReconnected?(): void | Promise<void>;
  /** The first wait before reconnecting; it doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * A subscription that outlives the connection: when the socket is lost (the server restarts, the network
 * drops) it reconnects with growing waits and subscribes again, saying so on stderr, until the server
 * refuses (a GraphQL error, a revoked token) or `stop()` is called. Resolves with the exit code.
 */
export function subscribeForever<T>(o: LiveStream<T>): { done: Promise<number>; stop(): void } {
  const base = o.backoffMs ?? 500;
  const max = o.maxBackoffMs ?? 15_000;
  let connections = 0;
  let lost = false;
  const client: Client = createClient({
    url: o.remote.graphql.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${o.remote.token}` },
    lazy: true,
    retryAttempts: Number.POSITIVE_INFINITY,
    // Any loss but the server's refusals: a revoked token (4403, which graphql-ws would retry) or too many sockets.
    shouldRetry: (e) => !FINAL_CLOSES.has((e as { code?: unknown }).code),
    retryWait: async (retries) => {
      const wait = Math.min(max, base * 2 ** retries) * (0.75 + Math.random() / 2);
      o.status(`connection lost; reconnecting in ${(wait / 1000).toFixed(1)} s (attempt ${retries + 1})`);
      lost = true;
      await new Promise((resolve) => setTimeout(resolve, wait));
    },
    on: {
      connected: () => {
        connections += 1;
        if (connections > 1 || lost) {
          lost = false;
          o.status('reconnected');
          void Promise.resolve(o.onReconnected?.()).catch((err: unknown) => o.status(`could not catch up: ${String(err)}`));
        }
      },
      closed: () => {
        if (connections > 0) lost = true;
      },
    },
  });
  let stop = (): void => {};
  const done = new Promise<number>((resolve) => {
    let finished = false;
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      void client.dispose();
      resolve(code);
    };
    const unsubscribe = client.subscribe<T>(
      { query: o.query, variables: o.variables },
      {
        next: (value) => {
          if (value.errors?.length) {
            o.status(graphqlFailure(value.errors).message);
            return;
          }
          if (value.data) void Promise.resolve(o.onData(value.data)).catch((err: unknown) => o.status(String(err)));
        },
        error: (err) => {
          const failure = Array.isArray(err) ? graphqlFailure(err as GraphqlError[]) : closeFailure(err);
          o.status(failure.message);
          finish(failure.exitCode);
        },
        complete: () => finish(EXIT.OK),
      },
    );
    stop = () => {
      unsubscribe();
      finish(EXIT.OK);
    };
  });
  return { done, stop: () => stop() };
}

/** A close the client would not retry: the server ended the socket for good (a revoked or expired token, too many sockets). */
function closeFailure(err: unknown): RemoteError {
  const code = (err as { code?: unknown }).code;
  const reason = (err as { reason?: unknown }).reason;
  const why = typeof reason === 'string' && reason ? reason : err instanceof Error ? err.message : 'closed';
  if (code === 4401 || code === 4403)
    return new RemoteError(`UNAUTHENTICATED: the server closed the stream (${code}): ${why}`, EXIT.UNAUTHENTICATED);
  return new RemoteError(`the server closed the stream${typeof code === 'number' ? ` (${code})` : ''}: ${why}`, EXIT.FAILED);
}
