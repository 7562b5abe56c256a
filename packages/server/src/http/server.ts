/**
 * Fastify assembly: the notification endpoint, GraphQL over HTTP and WebSocket, CSV export, health
 * probes. Opening the database and migrating happen here too, so a server is never up on an
 * unmigrated schema.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { authenticate, bearerToken } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { migrate, openOrm, type Orm } from '../db/orm.js';
import { exportRoutes } from '../export/export.route.js';
import type { Context } from '../graphql/context.js';
import { formatError } from '../graphql/errors.js';
import { buildGraphqlSchema } from '../graphql/schema.js';
import { attachGraphqlWebSocket } from '../graphql/websocket.js';
import { widgetRoutes } from './widget.js';
import { createPubSub, publishingLogs } from '../logs/live.js';
import { scheduleRetention } from '../logs/retention.js';
import { openSql, type Sql } from '../db/sql.js';
import { createSqlStore } from '../notifications/sql-store.js';
import { startFulfilmentWorker } from '../fulfilment/worker.js';
import { notificationProcessor, notificationRoute } from '../notifications/route.js';
import { createMetrics } from '../observability/metrics.js';
import { hashToken } from '../auth/tokens.js';
import { capConnectionsPerAddress } from './connection-cap.js';
import { answerErrorsPlainly } from './error-answer.js';
import { trustFunction } from './trusted-proxy.js';

export interface VkPaymentsServer {
  http: FastifyInstance;
  orm: Orm;
  config: Config;
  /** Listens on config.host:config.port (0 = any free port); returns the base URL. */
  listen(): Promise<string>;
  /** Stops accepting, answers /readyz 503, lets requests in flight finish (within the grace period), then closes. */
  close(): Promise<void>;
}

export interface ServerOptions {
  logger?: FastifyServerOptions['logger'];
  /** How long `close()` waits for requests in flight before it cuts the remaining connections. */
  shutdownGraceMs?: number;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

export const GRAPHQL_PATH = '/graphql';

/**
 * Limits on what one GraphQL document may ask for, so a single request cannot make the server walk
 * the whole database: our deepest real query (a connection's node with its fields) is depth 4–5.
 */
const armor = new ApolloArmor({
  maxDepth: { n: 8 },
  maxAliases: { n: 20 },
  costLimit: { maxCost: 10_000 },
  maxTokens: { n: 2_000 },
  // Field suggestions ("did you mean…") help people writing scripts; the schema is public anyway.
  blockFieldSuggestion: { enabled: false },
});

export async function createServer(config: Config, options: ServerOptions = {}): Promise<VkPaymentsServer> {
  const orm = await openOrm(config.database);
  let sql: Sql | undefined;
  let stopWorker: (() => Promise<void>) | undefined;
  try {
    await migrate(orm);
    // The endpoint's own statements (db/sql.ts); the ORM serves the API.
    sql = openSql(config.database);
    const trusted = trustFunction(config.trustProxy);
    const { requestMs, headersMs, keepAliveMs } = config.timeouts;
    const http = Fastify({
      logger: options.logger ?? false,
      // One structured line per notification (route.ts) says more than two generic lines per request.
      logController: new LogController({ disableRequestLogging: true }),
      // `req.ip` is the client behind a trusted proxy (trusted-proxy.ts); the rate limit keys on it.
      trustProxy: trusted,
      // A client that sends slowly holds a connection: the whole request must arrive within VKP_REQUEST_TIMEOUT
      // (VK's own deadline is 10 s, PROTOCOL.md §1), its headers within VKP_HEADERS_TIMEOUT, and an idle
      // keep-alive connection closes after VKP_KEEPALIVE_TIMEOUT. Node checks the first two every
      // `connectionsCheckingInterval` (30 s by default, far too coarse for a 10 s limit).
      requestTimeout: requestMs,
      keepAliveTimeout: keepAliveMs,
      http: { requestTimeout: requestMs, headersTimeout: headersMs, connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersMs / 4))) },
    });
    answerErrorsPlainly(http);
    capConnectionsPerAddress(http.server, config.maxConnectionsPerIp, trusted, (err) => http.log.error({ err }, 'connection cap failed'));
    // Node reports a failed accept (EMFILE when a flood of connections used up the file descriptors) as an
    // 'error' on the listening server, which would throw without a listener; the server keeps listening.
    http.server.on('error', (err) => http.log.error({ err }, 'HTTP server error'));
    let draining = false;
    const metrics = createMetrics(orm);
    let baseUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
    const pubSub = createPubSub();

    // Browsers may call GraphQL and the export only from the embedding origins the operator listed.
    await http.register(cors, {
      origin: config.corsOrigins.length ? config.corsOrigins : false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'apollo-require-preflight'],
      exposedHeaders: ['content-disposition'],
      maxAge: 600,
    });
    // Per token, on the API only: VK's notifications are never throttled (a refusal would cost a sale).
    if (config.rateLimitPerMinute > 0) {
      await http.register(rateLimit, {
        max: config.rateLimitPerMinute,
        timeWindow: 60_000,
        allowList: (req) => !/^\/(graphql|export)\b/.test(req.url),
        keyGenerator: (req) => {
          const token = bearerToken(req.headers.authorization);
          return token ? `token:${hashToken(token)}` : `ip:${req.ip}`;
        },
      });
    }
    const fulfilment = startFulfilmentWorker({
      sql,
      retryDelaysMs: config.fulfilmentRetryDelaysMs,
      onError: (err) => http.log.error({ err }, 'fulfilment delivery failed to run'),
    });
    stopWorker = () => fulfilment.stop();
    const endpoint = { store: publishingLogs(createSqlStore(sql, { queued: fulfilment.poke, deliverNow: fulfilment.deliverNow }), pubSub), observe: metrics.observeNotification };
    await http.register(notificationRoute, endpoint);
    const { process: processNotification } = notificationProcessor(endpoint);
    metrics.route(http);
    await http.register(exportRoutes, { orm, config });
    await http.register(widgetRoutes);

    http.get('/healthz', async () => ({ status: 'ok' }));
    http.get('/readyz', async (_req, reply) => {
      // A draining instance (shutdown, or a crash: cli/serve.ts) tells the balancer to send work elsewhere.
      if (draining) return reply.code(503).send({ status: 'draining' });
      try {
        await orm.em.getConnection().execute('select 1');
        return { status: 'ready' };
      } catch {
        return reply.code(503).send({ status: 'database unreachable' });
      }
    });

    const context = async (token: string | undefined): Promise<Context> => {
      const em = orm.em.fork();
      const auth = await authenticate(em, token, config.adminToken);
      return {
        em,
        config,
        baseUrl,
        pubSub,
        processNotification: (rawBody: string) => processNotification(rawBody, http.log),
        notificationStore: endpoint.store,
        fulfilment,
        principal: auth.principal,
        ...(auth.principal === null && auth.reason !== null && { authError: auth.reason }),
      };
    };

    const schema = await buildGraphqlSchema(pubSub);
    const protection = armor.protect();
    const apollo = new ApolloServer<Context>({
      schema,
      // (graphql-armor is typed against Apollo's CommonJS build; the plugin objects are the same.)
      // No landing page at GET /graphql: Apollo's loads scripts from its CDN, which would then run on
      // this origin, the admin page's (whose tab keeps the token in sessionStorage).
      plugins: [ApolloServerPluginLandingPageDisabled(), fastifyApolloDrainPlugin(http), metrics.apolloPlugin as ApolloServerPlugin<Context>, ...(protection.plugins as unknown as ApolloServerPlugin<Context>[])],
      validationRules: protection.validationRules,
      // Every default Apollo takes from NODE_ENV is decided here: `pnpm start` leaves NODE_ENV unset, and the
      // default run is the production run. Stack traces in answers only with VKP_DEBUG; introspection on, as
      // under `pnpm start` so far (who may use it is for validation to decide); and Apollo
      // leaves SIGINT/SIGTERM to cli/serve.ts (its own handler would re-raise the signal mid-drain).
      includeStacktraceInErrorResponses: config.debug,
      introspection: true,
      stopOnTerminationSignals: false,
      // Apollo's CSRF prevention stays on (its default): a GET or a simple POST needs a preflight header.
      formatError: (formatted, error) => formatError(formatted, error, (err) => http.log.error({ err }, 'GraphQL resolver failed')),
    });
    await apollo.start();
    await http.register(fastifyApollo(apollo), { path: GRAPHQL_PATH, context: async (req) => context(bearerToken(req.headers.authorization)) });
    const retention = scheduleRetention(orm, config.logRetentionDays, (err) => http.log.error({ err }, 'log retention failed'));
    const ws = attachGraphqlWebSocket({
      server: http.server,
      path: GRAPHQL_PATH,
      schema,
      context,
      allowedOrigins: config.corsOrigins,
      debug: config.debug,
      onError: (err) => http.log.error({ err }, 'WebSocket upgrade failed'),
    });

    return {
      http,
      orm,
      config,
      async listen() {
        await http.listen({ port: config.port, host: config.host });
        const address = http.server.address();
        const port = typeof address === 'object' && address ? address.port : config.port;
        const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
        baseUrl = config.publicUrl ?? url;
        return url;
      },
      async close() {
        draining = true;
        retention.stop();
        await ws.close();
        // Stop accepting, let requests in flight finish; after the grace period, connections that are
        // still open (a client that never finished sending, say) are cut so the process can exit.
        const cut = setTimeout(() => http.server.closeAllConnections(), options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
        await http.close();
        clearTimeout(cut);
        await stopWorker?.();
        await sql?.close();
        await orm.close();
      },
    };
  } catch (err) {
    await stopWorker?.();
    await sql?.close();
    await orm.close();
    throw err;
  }
}
