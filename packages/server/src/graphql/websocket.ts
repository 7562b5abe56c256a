/**
 * GraphQL subscriptions over the graphql-ws protocol on the same path as HTTP GraphQL (`/graphql`).
 * The bearer token comes in the connection's `connectionParams.authorization` (browsers cannot set
 * headers on a WebSocket) or in the upgrade request's Authorization header; it is checked when the
 * connection opens and again for each subscription, with the same rules as HTTP.
 */
import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Context } from './context.js';

export interface WebSocketOptions {
  server: Server;
  path: string;
  schema: GraphQLSchema;
  /** Builds the per-operation context from a bearer token (or undefined). */
  context: (token: string | undefined) => Promise<Context>;
  /** Origins allowed to open a socket from a browser (the CORS list); empty = same origin only. */
  allowedOrigins: readonly string[];
  /** Internal messages in close reasons (VKP_DEBUG); graphql-ws would otherwise decide by NODE_ENV. */
  debug?: boolean;
  /** Told of a failure while answering an upgrade (the socket is then destroyed). */
  onError?: (err: unknown) => void;
}

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

export function attachGraphqlWebSocket(o: WebSocketOptions): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true });
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
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch (err) {
      o.onError?.(err);
      socket.destroy();
    }
  });
  wss.on('error', (err) => o.onError?.(err));

  const server = useServer<Record<string, unknown> | undefined, { request: { headers: Record<string, string | string[] | undefined> } }>(
    {
      isProd: !o.debug,
      schema: o.schema,
      onConnect: async (ctx) => {
        const context = await o.context(tokenOf(ctx.connectionParams, ctx.extra.request.headers.authorization as string | undefined));
        return context.principal !== null;
      },
      context: (ctx) => o.context(tokenOf(ctx.connectionParams, ctx.extra.request.headers.authorization as string | undefined)),
    },
    wss,
  );
  return {
    async close() {
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
