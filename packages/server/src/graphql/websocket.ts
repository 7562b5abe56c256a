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
}

function tokenOf(params: unknown, header: string | undefined): string | undefined {
  const fromParams = typeof params === 'object' && params !== null ? (params as Record<string, unknown>).authorization : undefined;
  const raw = typeof fromParams === 'string' ? fromParams : header;
  return raw ? /^Bearer\s+(\S+)\s*$/i.exec(raw)?.[1] : undefined;
}

export function attachGraphqlWebSocket(o: WebSocketOptions): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true });
  o.server.on('upgrade', (req, socket, head) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const origin = req.headers.origin;
    // A page on another origin may only open a socket when that origin is allowed (as with CORS).
    const originOk = !origin || o.allowedOrigins.includes(origin) || new URL(origin).host === req.headers.host;
    if (pathname !== o.path || !originOk) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const server = useServer<Record<string, unknown> | undefined, { request: { headers: Record<string, string | string[] | undefined> } }>(
    {
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
