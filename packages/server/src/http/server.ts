/**
 * Fastify assembly: the notification endpoint, GraphQL over HTTP and WebSocket, CSV export, health
 * probes. Opening the database and migrating happen here too, so a server is never up on an
 * unmigrated schema.
 *
 * A cold start serves VK first: the endpoint runs on its own statements (db/sql.ts), so it answers
 * as soon as the database is known to be migrated, and /readyz says so. The admin API — the ORM,
 * GraphQL, the export, the WebSocket — loads right after (api.ts); its routes are declared at start
 * and a request that comes sooner waits for it.
 */
import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { pendingMigrations } from '../db/schema-state.js';
import { exportRoutes } from '../export/export.route.js';
import { noSniff } from './security-headers.js';
import type { Api, GraphqlRoute } from './api.js';
import { gateApi } from './api-gate.js';
import { createRateLimiter } from './rate-limit.js';
import { createAdmission } from './admission.js';
import { parkUpgrades } from './parked-upgrades.js';
import { widgetRoutes } from './widget.js';
import { createLiveLog, createPubSub } from '../logs/live.js';
import { openSql } from '../db/sql.js';
import { pendingLogRows, type PendingLogs } from '../notifications/pending-logs.js';
import { createSqlStore } from '../notifications/sql-store.js';
import { eventId } from '../notifications/outbox.js';
import { cachedStore } from '../notifications/cached-store.js';
import type { Bus } from '../cluster/bus.js';
import { followCluster } from '../cluster/follow.js';
import { openBus } from '../cluster/open-bus.js';
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
import { drainer } from './drain.js';
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
  /**
   * Answers /readyz 503 at once and keeps serving for `drainMs` (0 by default; SIGTERM passes
   * VKP_DRAIN_DELAY: drain.ts), then stops accepting, lets requests in flight finish (within the grace
   * period) and closes. A second call joins the first and cuts its delay short unless it drains too.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

/** The server as soon as it answers VK: the API (the ORM, GraphQL) is loaded by `api()`, or by the first request that needs it. */
export interface StartingServer extends Omit<VkPaymentsServer, 'orm'> {
  /** Loads the API (once); resolves with the whole server. */
  api(): Promise<VkPaymentsServer>;
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

/** A server with everything loaded (tests, and whatever runs a server in-process). */
export async function createServer(config: Config, options: ServerOptions = {}): Promise<VkPaymentsServer> {
  return (await startServer(config, options)).api();
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<StartingServer> {
  // First: without a key (PostgreSQL without VKP_SECRETS_KEY) nothing else is touched.
  const { secrets, source: secretsKeySource } = await loadSecrets(config);
  // The endpoint's own statements (db/sql.ts); the ORM serves the API.
  const sql = openSql(config.database, { poolSize: config.pgPoolSize });
  let stopWorker: (() => Promise<void>) | undefined;
  let pendingLogs: PendingLogs | undefined;
  let bus: Bus | undefined;
  try {
    // The ORM's migrator only when something is to migrate (a new database, an upgrade): a restart on
    // its own schema serves without loading the ORM first.
    if ((await pendingMigrations(sql)).length) {
      const { migrateDatabase } = await import('../db/orm.js');
      await migrateDatabase(config.database);
    }
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
    const drain = drainer(http.server);
    let closing: Promise<void> | undefined;
    let api: Api | undefined;
    const metrics = createMetrics(() => api?.orm);
    let baseUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
    const pubSub = createPubSub();
    // Events between instances (cluster/): caches, the live log, revocation, fulfilment.
    const cluster = (bus = openBus(config.database, sql, (err, what) => http.log.error({ err }, what)));
    metrics.watchBus(cluster);

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
    gateApi(http, { access: () => loadApi(), config, admission, graphqlPath: GRAPHQL_PATH });
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
    const liveLog = createLiveLog({
      pubSub,
      bus: cluster,
      // Only asked while somebody watches the live log here, so the API (and its ORM) is loaded.
      read: async (ids) => {
        const [{ orm }, { NotificationLog }] = await Promise.all([loadApi(), import('../logs/notification-log.entity.js')]);
        return orm.em.fork().find(NotificationLog, { id: { $in: ids } });
      },
      onError: (err, what) => http.log.error({ err }, what),
    });
    const queued = (): void => {
      fulfilment.poke();
      cluster.publish({ type: 'due' });
    };
    const store = cachedStore(
      createSqlStore(sql, secrets, {
        queued,
        logged: liveLog.logged,
        listenerFailed: (err) => http.log.error({ err }, 'a listener of committed log rows failed'),
      }),
      cluster,
    );
    pendingLogs = pendingLogRows((entry) => store.writeLog(entry));
    const endpoint: NotificationRouteOptions = {
      store,
      fulfilment: { confirm: (event, appOrderId) => fulfilment.deliverNow(eventId(event, appOrderId)) },
      pendingLogs,
      observe: metrics.observeNotification,
      // One budget for the route and the in-process sender alike.
      unverifiedLog: unverifiedLogBudget({ perApp: config.unverifiedLogPerMinute, total: config.unverifiedLogPerMinuteTotal }),
      unlogged: metrics.countUnlogged,
    };
    await http.register(notificationRoute, endpoint);
    const { process: processNotification } = notificationProcessor(endpoint);
    metrics.route(http);
    await http.register(exportRoutes, { deps: async () => ({ orm: (await loadApi()).orm, config }) });
    await http.register(widgetRoutes);
    http.route<GraphqlRoute>({
      method: ['GET', 'POST', 'OPTIONS'],
      url: GRAPHQL_PATH,
      handler: async function (req, reply) {
        return (await loadApi()).graphql.call(this, req, reply);
      },
    });
    const upgrades = parkUpgrades(http.server);

    http.get('/healthz', async () => ({ status: 'ok' }));
    http.get('/readyz', async (_req, reply) => {
      // A draining instance (shutdown, or a crash: cli/serve.ts) tells the balancer to send work elsewhere.
      if (drain.draining) return reply.code(503).send({ status: 'draining' });
      try {
        // Through the endpoint's own connection: ready means VK's notifications can be answered.
        await sql.one('select 1');
        return { status: 'ready' };
      } catch {
        return reply.code(503).send({ status: 'database unreachable' });
      }
    });

    /** The API, loaded once: GraphQL, the export and the WebSocket wait for it (api.ts). */
    let loading: Promise<Api> | undefined;
    const loadApi = (): Promise<Api> =>
      (loading ??= import('./api.js')
        .then(({ loadApi: load }) =>
          load({
            http,
            config,
            secrets,
            graphqlPath: GRAPHQL_PATH,
            pubSub,
            metrics,
            limiter,
            admission,
            clientAddress: (req) => clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trusted),
            baseUrl: () => baseUrl,
            processNotification,
            notificationStore: endpoint.store,
            fulfilment,
            outbound,
            liveRecheckMs: options.liveRecheckMs ?? DEFAULT_LIVE_RECHECK_MS,
            bus: cluster,
          }),
        )
        .then(
          (loaded) => {
            api = loaded;
            upgrades.release();
            return loaded;
          },
          (err: unknown) => {
            upgrades.drop();
            throw err;
          },
        ));

    // Sockets exist only once the API is loaded; before that a revocation has nothing to end here.
    followCluster(cluster, { poke: fulfilment.poke, recheckSockets: () => api?.recheckSockets() });

    /** Drains (drain.ts), then stops accepting, finishes the requests in flight and closes the database. */
    async function shutDown(drainMs: number): Promise<void> {
      await drain.begin(drainMs);
      // The API stops too (its retention job, its WebSockets), once it is loaded if it is loading.
      const running = await loading?.catch(() => undefined);
      upgrades.drop();
      await running?.stop();
      // Stop accepting, let requests in flight finish; after the grace period, connections that are
      // still open (a client that never finished sending, say) are cut so the process can exit.
      const cut = setTimeout(() => http.server.closeAllConnections(), options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      await http.close();
      clearTimeout(cut);
      await pendingLogs?.close();
      await stopWorker?.();
      liveLog.stop();
      await bus?.close();
      await sql.close();
      await running?.orm.close();
    }

    const server: StartingServer = {
      http,
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
      async api() {
        const { orm: loaded } = await loadApi();
        return { ...server, orm: loaded };
      },
      close(closeOptions = {}) {
        if (closing) {
          if (!closeOptions.drainMs) drain.hurry();
          return closing;
        }
        closing = shutDown(closeOptions.drainMs ?? 0);
        return closing;
      },
    };
    return server;
  } catch (err) {
    await stopWorker?.();
    await bus?.close();
    await sql.close();
    throw err;
  }
}
