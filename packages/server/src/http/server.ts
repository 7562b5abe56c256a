/**
 * Fastify assembly: the notification endpoint, GraphQL over HTTP and WebSocket, CSV export, health
 * probes. Opening the database and migrating happen here too, so a server is never up on an
 * unmigrated schema.
 *
 * A cold start serves VK first: the endpoint runs on its own statements (db/sql.ts), so it answers
 * as soon as the database is known to be migrated, and /readyz says so. The admin API — the ORM,
 * GraphQL, the export, the WebSocket — loads right after (api.ts); its routes are declared at start
 * and a request that comes sooner waits for it.
 *
 * Each concern is its own module and this file only wires them, in order: the instance and its
 * connection guards (fastify.ts), CORS (cors.ts), the API's gate (api-gate.ts), the endpoint
 * (endpoint.ts), the mini app API (mini-app-routes.ts), metrics (observability/metrics.ts), the export (export/), the widget (widget.ts), the
 * GraphQL route and its loader (api-loader.ts), health probes (health.ts), drain (drain.ts).
 */
import cors from '@fastify/cors';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Bus } from '../cluster/bus.js';
import { followCluster } from '../cluster/follow.js';
import { openBus } from '../cluster/open-bus.js';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { pendingMigrations } from '../db/schema-state.js';
import { openSql } from '../db/sql.js';
import { exportRoutes } from '../export/export.route.js';
import { createPubSub } from '../logs/live.js';
import { parseAllowList, type ListenAddress } from '../net/addresses.js';
import { createOutbound } from '../net/outbound.js';
import { originsIndex } from '../mini-app/origins-index.js';
import { createMetrics } from '../observability/metrics.js';
import { encryptPlaintextSecrets } from '../secrets/at-rest.js';
import { loadSecrets, type KeySource } from '../secrets/key-file.js';
import type { Secrets } from '../secrets/secrets.js';
import { createAdmission } from './admission.js';
import { apiLoader } from './api-loader.js';
import { gateApi } from './api-gate.js';
import type { GraphqlRoute } from './api.js';
import { embedderCors } from './cors.js';
import { drainer } from './drain.js';
import { startEndpoint } from './endpoint.js';
import { createHttp } from './fastify.js';
import { databaseAnswers, healthRoutes } from './health.js';
import { miniAppRoutes } from './mini-app-routes.js';
import { parkUpgrades } from './parked-upgrades.js';
import { createRateLimiter } from './rate-limit.js';
import { reportSecretsAtRest } from './secrets-report.js';
import { clientAddress, trustFunction } from './trusted-proxy.js';
import { widgetRoutes } from './widget.js';

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
    const http = createHttp(config, options.logger, trusted);
    reportSecretsAtRest(http.log, atRest, secrets);
    const drain = drainer(http.server);
    let closing: Promise<void> | undefined;
    const metrics = createMetrics(() => api.loaded?.orm);
    metrics.watchState({
      draining: () => drain.draining,
      databaseAnswers: () => databaseAnswers(sql),
      sql,
    });
    let baseUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
    const pubSub = createPubSub();
    // Events between instances (cluster/): caches, the live log, revocation, fulfilment.
    const cluster = (bus = openBus(config.database, sql, (err, what) => http.log.error({ err }, what)));
    metrics.watchBus(cluster);
    // Every connection to a URL someone gave us goes through this (no SSRF). Our own listen address is
    // allowed once we listen: it reaches only our own routes, and the local demo's notification URL
    // (settings.endpointUrl, http://127.0.0.1:8080/vk/payments) is exactly that.
    const outbound = createOutbound({ allow: parseAllowList(config.allowPrivateUrls.join(',')) });
    // Per principal, on the API only (GraphQL over HTTP and WebSocket, the export): VK's notifications
    // are never throttled (a refusal would cost a sale).
    const limiter = createRateLimiter({ max: config.rateLimitPerMinute });
    const admission = createAdmission(limiter);

    await http.register(cors, embedderCors(config));
    gateApi(http, { access: () => api.load(), config, admission, graphqlPath: GRAPHQL_PATH });
    const endpoint = await startEndpoint(http, {
      config,
      sql,
      secrets,
      outbound,
      bus: cluster,
      pubSub,
      metrics,
      orm: async () => (await api.load()).orm,
    });
    stopWorker = () => endpoint.fulfilment.stop();
    const clientOf = (req: IncomingMessage) => clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trusted);
    // On the endpoint's statements and cached lookups: like the endpoint, it answers before the API loads.
    await http.register(miniAppRoutes, {
      sql,
      findApp: (vkAppId) => endpoint.route.store.findApp(vkAppId),
      isPaymentTester: (appId, vkUserId) => endpoint.route.store.isPaymentTester(appId, vkUserId),
      origins: originsIndex(sql, cluster),
      config: config.miniApp,
      metrics,
      clientAddress: clientOf,
    });
    metrics.route(http);
    await http.register(exportRoutes, { deps: async () => ({ orm: (await api.load()).orm, config }) });
    await http.register(widgetRoutes);
    http.route<GraphqlRoute>({
      method: ['GET', 'POST', 'OPTIONS'],
      url: GRAPHQL_PATH,
      handler: async function (req, reply) {
        return (await api.load()).graphql.call(this, req, reply);
      },
    });
    const upgrades = parkUpgrades(http.server);
    await http.register(healthRoutes, { sql, drain });

    const api = apiLoader(
      () => ({
        http,
        config,
        secrets,
        graphqlPath: GRAPHQL_PATH,
        pubSub,
        metrics,
        limiter,
        admission,
        clientAddress: clientOf,
        baseUrl: () => baseUrl,
        processNotification: endpoint.processNotification,
        notificationStore: endpoint.route.store,
        fulfilment: endpoint.fulfilment,
        outbound,
        liveRecheckMs: options.liveRecheckMs ?? DEFAULT_LIVE_RECHECK_MS,
        bus: cluster,
      }),
      upgrades,
    );

    // Sockets exist only once the API is loaded; before that a revocation has nothing to end here.
    followCluster(cluster, { poke: endpoint.fulfilment.poke, recheckSockets: () => api.loaded?.recheckSockets() });

    /** Drains (drain.ts), then stops accepting, finishes the requests in flight and closes the database. */
    async function shutDown(drainMs: number): Promise<void> {
      await drain.begin(drainMs);
      // The API stops too (its retention job, its WebSockets), once it is loaded if it is loading.
      const running = await api.loading?.catch(() => undefined);
      upgrades.drop();
      await running?.stop();
      // Stop accepting, let requests in flight finish; after the grace period, connections that are
      // still open (a client that never finished sending, say) are cut so the process can exit.
      const cut = setTimeout(() => http.server.closeAllConnections(), options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      await http.close();
      clearTimeout(cut);
      await endpoint.pendingLogs.close();
      await stopWorker?.();
      endpoint.liveLog.stop();
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
        const { orm } = await api.load();
        return { ...server, orm };
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
