/**
 * Fastify assembly: the notification endpoint, GraphQL over HTTP and WebSocket, CSV export, health
 * probes. Opening the database and migrating happen here too, so a server is never up on an
 * unmigrated schema.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { EntityManager } from '@mikro-orm/core';
import type { Principal } from '../auth/permissions.js';
import { authenticate } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { migrate, openOrm, type Orm } from '../db/orm.js';
import { exportRoutes } from '../export/export.route.js';
import type { Context } from '../graphql/context.js';
import { formatError } from '../graphql/errors.js';
import { buildGraphqlSchema } from '../graphql/schema.js';
import { callerRulesPlugin, LIMIT_RULES, PARSE_OPTIONS } from '../graphql/validation.js';
import { attachGraphqlWebSocket } from '../graphql/websocket.js';
import { noSniff } from './security-headers.js';
import { gateApi } from './api-gate.js';
import { createRateLimiter } from './rate-limit.js';
import { createAdmission } from './admission.js';
import { widgetRoutes } from './widget.js';
import { createPubSub, publishingLogs } from '../logs/live.js';
import { scheduleRetention } from '../logs/retention.js';
import { openSql, type Sql } from '../db/sql.js';
import { createSqlStore } from '../notifications/sql-store.js';
import { startFulfilmentWorker } from '../fulfilment/worker.js';
import { notificationProcessor, notificationRoute, type NotificationRouteOptions } from '../notifications/route.js';
import { unverifiedLogBudget } from '../notifications/unverified-budget.js';
import { createMetrics } from '../observability/metrics.js';
import { parseAllowList, type ListenAddress } from '../net/addresses.js';
import { createOutbound } from '../net/outbound.js';
import { encryptPlaintextSecrets } from '../secrets/at-rest.js';
import { loadSecrets, type KeySource } from '../secrets/key-file.js';
import type { Secrets } from '../secrets/secrets.js';
import { capConnectionsPerAddress } from './connection-cap.js';
import { answerErrorsPlainly } from './error-answer.js';
import { clientAddress, proxyPeer, trustFunction } from './trusted-proxy.js';

export interface VkPaymentsServer {
  http: FastifyInstance;
  orm: Orm;
  config: Config;
  /** The keyring of the secrets stored encrypted (secrets/), and where its key came from (for the start banner). */
  secrets: Secrets;
  secretsKeySource: KeySource;
  /** Listens on config.host:config.port (0 = any free port); returns the base URL. */
  listen(): Promise<string>;
  /** Stops accepting, answers /readyz 503, lets requests in flight finish (within the grace period), then closes. */
  close(): Promise<void>;
}

export interface ServerOptions {
  logger?: FastifyServerOptions['logger'];
  /** How long `close()` waits for requests in flight before it cuts the remaining connections. */
  shutdownGraceMs?: number;
  /** How often each open WebSocket's token is looked up again, so a revocation ends its subscriptions. */
  liveRecheckMs?: number;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;
export const DEFAULT_LIVE_RECHECK_MS = 5_000;

export const GRAPHQL_PATH = '/graphql';

export async function createServer(config: Config, options: ServerOptions = {}): Promise<VkPaymentsServer> {
  // First: without a key (PostgreSQL without VKP_SECRETS_KEY) nothing else is touched.
  const { secrets, source: secretsKeySource } = await loadSecrets(config);
  const orm = await openOrm(config.database, { poolSize: config.pgPoolSize });
  let sql: Sql | undefined;
  let stopWorker: (() => Promise<void>) | undefined;
  try {
    await migrate(orm);
    // The endpoint's own statements (db/sql.ts); the ORM serves the API.
    sql = openSql(config.database, { poolSize: config.pgPoolSize });
    // Secrets an older version stored in plain text are encrypted before anything is served.
    const atRest = await encryptPlaintextSecrets(sql, secrets);
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
    noSniff(http);
    if (atRest.encrypted) http.log.info({ encrypted: atRest.encrypted }, 'encrypted the secrets an older version stored in plain text');
    if (atRest.scrubFailed) {
      http.log.warn({ reason: atRest.scrubFailed }, 'could not compact the tables after encrypting: old plain-text bytes may stay in the database files until the next VACUUM');
    }
    if (atRest.unreadable) {
      http.log.error(
        { unreadable: atRest.unreadable, secretsKey: secrets.current.id },
        "stored secrets were encrypted with a secrets key this server does not have: their apps' notifications are answered error 2 until VKP_SECRETS_KEY (or VKP_SECRETS_KEY_PREVIOUS) is that key",
      );
    }
    answerErrorsPlainly(http);
    capConnectionsPerAddress(http.server, config.maxConnectionsPerIp, proxyPeer(config.trustProxy), (err) => http.log.error({ err }, 'connection cap failed'));
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
    // Per principal, on the API only (GraphQL over HTTP and WebSocket, the export): VK's notifications
    // are never throttled (a refusal would cost a sale).
    const limiter = createRateLimiter({ max: config.rateLimitPerMinute });
    const admission = createAdmission(limiter);
    gateApi(http, { orm, config, admission, graphqlPath: GRAPHQL_PATH });
    // Every connection to a URL someone gave us goes through this (no SSRF). Our own listen address is
    // allowed once we listen: it reaches only our own routes, and the local demo's notification URL
    // (settings.endpointUrl, http://127.0.0.1:8080/vk/payments) is exactly that.
    const outbound = createOutbound({ allow: parseAllowList(config.allowPrivateUrls.join(',')) });
    const fulfilment = startFulfilmentWorker({
      sql,
      outbound,
      secrets,
      retryDelaysMs: config.fulfilmentRetryDelaysMs,
      onError: (err) => http.log.error({ err }, 'fulfilment delivery failed to run'),
    });
    stopWorker = () => fulfilment.stop();
    const endpoint: NotificationRouteOptions = {
      store: publishingLogs(
        createSqlStore(sql, secrets, {
          queued: fulfilment.poke,
          deliverNow: fulfilment.deliverNow,
          listenerFailed: (err) => http.log.error({ err }, 'a listener of committed log rows failed'),
        }),
        pubSub,
      ),
      observe: metrics.observeNotification,
      // One budget for the route and the in-process sender alike.
      unverifiedLog: unverifiedLogBudget({ perApp: config.unverifiedLogPerMinute, total: config.unverifiedLogPerMinuteTotal }),
      unlogged: metrics.countUnlogged,
    };
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

    /** The context of one operation: the caller was authenticated once, by the API gate or the socket. */
    const context = (em: EntityManager, auth: { principal: Principal | null; reason?: string | null }): Context => ({
      em,
      config,
      secrets,
      baseUrl,
      pubSub,
      processNotification: (rawBody: string) => processNotification(rawBody, http.log),
      notificationStore: endpoint.store,
      fulfilment,
      outbound,
      principal: auth.principal,
      ...(auth.principal === null && auth.reason && { authError: auth.reason }),
    });
    const authenticateToken = (token: string | undefined) => authenticate(orm.em.fork(), token, config.adminToken);
    const maskError = (formatted: Parameters<typeof formatError>[0], error: unknown) =>
      formatError(formatted, error, (err) => http.log.error({ err }, 'GraphQL resolver failed'));

    const schema = await buildGraphqlSchema(pubSub);
    const apollo = new ApolloServer<Context>({
      schema,
      // No landing page at GET /graphql: Apollo's loads scripts from its CDN, which would then run on
      // this origin, the admin page's (whose tab keeps the token in sessionStorage).
      plugins: [ApolloServerPluginLandingPageDisabled(), fastifyApolloDrainPlugin(http), metrics.apolloPlugin as ApolloServerPlugin<Context>, callerRulesPlugin],
      // The same rules as graphql-ws (graphql/validation.ts); those that depend on the caller run in callerRulesPlugin.
      parseOptions: PARSE_OPTIONS,
      validationRules: [...LIMIT_RULES],
      // Every default Apollo takes from NODE_ENV is decided here: `pnpm start` leaves NODE_ENV unset, and the
      // default run is the production run. Stack traces in answers only with VKP_DEBUG; introspection on, as
      // under `pnpm start` so far (who may use it is for validation to decide); and Apollo
      // leaves SIGINT/SIGTERM to cli/serve.ts (its own handler would re-raise the signal mid-drain).
      includeStacktraceInErrorResponses: config.debug,
      introspection: true,
      stopOnTerminationSignals: false,
      // Apollo's CSRF prevention stays on (its default): a GET or a simple POST needs a preflight header.
      formatError: maskError,
    });
    await apollo.start();
    await http.register(fastifyApollo(apollo), {
      path: GRAPHQL_PATH,
      // The API gate looked the token up and counted the request (api-gate.ts). Without it, nothing runs: a
      // second lookup here would be a path around the rate limit.
      context: async (req) => {
        if (!req.caller) throw new Error('GraphQL request without the API gate (api-gate.ts)');
        return context(req.caller.em, req.caller.auth);
      },
    });
    const retention = scheduleRetention(orm, { days: config.logRetentionDays, unverifiedDays: config.unverifiedLogRetentionDays }, (err) => http.log.error({ err }, 'log retention failed'));
    const ws = attachGraphqlWebSocket({
      server: http.server,
      path: GRAPHQL_PATH,
      schema,
      authenticate: authenticateToken,
      context: (principal) => context(orm.em.fork(), { principal }),
      limiter,
      admission,
      clientAddress: (req) => clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trusted),
      formatError: (error) => maskError(error.toJSON(), error),
      recheckMs: options.liveRecheckMs ?? DEFAULT_LIVE_RECHECK_MS,
      onError: (err, what) => http.log.error({ err }, what),
      allowedOrigins: config.corsOrigins,
      debug: config.debug,
    });

    return {
      http,
      orm,
      config,
      secrets,
      secretsKeySource,
      async listen() {
        await http.listen({ port: config.port, host: config.host });
        const address = http.server.address();
        const port = typeof address === 'object' && address ? address.port : config.port;
        const own: ListenAddress[] = typeof address === 'object' && address ? [{ address: address.address, port: address.port }] : [];
        outbound.setOwnAddresses(own);
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
