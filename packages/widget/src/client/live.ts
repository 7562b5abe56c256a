/**
 * GraphQL subscriptions over WebSocket (the graphql-transport-ws protocol) with graphql-ws's client:
 * it reconnects with a growing, jittered wait when the socket drops, pings the server to keep the
 * socket alive through proxies, and gives up on a server that never acknowledges the connection. It
 * lives in the live log's chunk only (src/lazy-views.ts), so the entry module does not carry it.
 */
import { createClient, type Client } from 'graphql-ws/client';
import { GraphQLClientError } from './graphql-client.js';
import type { GraphQLClient } from './graphql-client.js';

/** The server's close codes (packages/server/src/http/websocket.ts). */
const CLOSE = { expired: 4401, forbidden: 4403, rateLimited: 4429 } as const;

export interface LiveClientEvents {
  /** A connection is being opened, or the socket just closed (another connection follows unless an error ends it). */
  connecting(): void;
  /** The server acknowledged the connection. */
  connected(): void;
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number';
}

/** `https://h/graphql` → `wss://h/graphql`; a relative endpoint is taken from the page's address. */
function socketUrl(endpoint: string): string {
  const url = new URL(endpoint, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/** 0.5–1 s before the first retry, doubling up to 15–30 s: many widgets must not come back at once. */
const retryWait = (retries: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** retries) * (0.5 + Math.random() / 2)));

/**
 * A WebSocket client on `client`'s endpoint and token. The token goes, as over HTTP, as
 * `authorization: Bearer …`, here in the connection's `connection_init` payload (browsers cannot set
 * a WebSocket's headers); it is asked for again on every connection, so a renewed one is used.
 */
export function liveClient(client: GraphQLClient, events: LiveClientEvents): Client {
  return createClient({
    url: socketUrl(client.endpoint),
    connectionParams: async () => {
      const token = await client.token();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    keepAlive: 15_000,
    connectionAckWaitTimeout: 10_000,
    retryAttempts: 10,
    retryWait,
    // A refused or revoked token (4403) and a spent rate limit (4429) are not cured by trying again
    // at once; graphql-ws already stops on an expired session (4401) and on protocol errors.
    shouldRetry: (err) => !(isCloseEvent(err) && (err.code === CLOSE.forbidden || err.code === CLOSE.rateLimited)),
    // Closed: dropped (a retry follows) or ended for good (the subscription's error says so).
    on: { closed: () => events.connecting(), connecting: () => events.connecting(), connected: () => events.connected() },
  });
}

/**
 * What ended a subscription, as a GraphQLClientError: the server's first GraphQL error, a refused or
 * expired token (UNAUTHENTICATED), a spent rate limit, or a connection that could not be kept.
 */
export function liveError(err: unknown): GraphQLClientError {
  if (Array.isArray(err)) {
    const first = err[0] as { message?: unknown; extensions?: { code?: unknown } } | undefined;
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
    return new GraphQLClientError(code, typeof first?.message === 'string' ? first.message : code);
  }
  if (isCloseEvent(err)) {
    const code =
      err.code === CLOSE.forbidden || err.code === CLOSE.expired
        ? 'UNAUTHENTICATED'
        : err.code === CLOSE.rateLimited
          ? 'RATE_LIMITED'
          : 'NETWORK_ERROR';
    return new GraphQLClientError(code, err.reason || `connection closed (${err.code})`);
  }
  return new GraphQLClientError('NETWORK_ERROR', err instanceof Error ? err.message : String(err));
}
