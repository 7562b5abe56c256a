/**
 * The VK notification endpoint, wired: the game-backend worker, the store (cached, on the endpoint's
 * own statements), the live log its rows feed, the log rows kept while the database is away, and the
 * route. It runs without the API: only the live log's reads of other instances' rows load the ORM.
 */
import type { FastifyInstance } from 'fastify';
import type { Bus } from '../cluster/bus.js';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { Sql } from '../db/sql.js';
import { listenerFeed } from '../fulfilment/listen.js';
import { startFulfilmentWorker, type FulfilmentWorker } from '../fulfilment/worker.js';
import { createLiveLog, type LiveLog, type LivePubSub } from '../logs/live.js';
import type { Outbound } from '../net/outbound.js';
import { cachedStore } from '../notifications/cached-store.js';
import { eventId } from '../notifications/outbox.js';
import { pendingLogRows, type PendingLogs } from '../notifications/pending-logs.js';
import {
  notificationProcessor,
  notificationRoute,
  type NotificationRouteOptions,
  type ProcessNotification,
} from '../notifications/route.js';
import { createSqlStore } from '../notifications/sql-store.js';
import { unverifiedLogBudget } from '../notifications/unverified-budget.js';
import type { Metrics } from '../observability/metrics.js';
import type { Secrets } from '../secrets/secrets.js';

export interface EndpointOptions {
  config: Config;
  sql: Sql;
  secrets: Secrets;
  outbound: Outbound;
  bus: Bus;
  pubSub: LivePubSub;
  metrics: Metrics;
  /** The API's ORM, loaded on demand. */
  orm: () => Promise<Orm>;
}

export interface Endpoint {
  route: NotificationRouteOptions;
  /** Runs a body through the endpoint in-process (the API's simulations). */
  processNotification: ProcessNotification;
  fulfilment: FulfilmentWorker;
  pendingLogs: PendingLogs;
  liveLog: LiveLog;
}

export async function startEndpoint(
  http: FastifyInstance,
  { config, sql, secrets, outbound, bus, pubSub, metrics, orm }: EndpointOptions,
): Promise<Endpoint> {
  const fulfilment = startFulfilmentWorker({
    sql,
    outbound,
    secrets,
    retryDelaysMs: config.fulfilmentRetryDelaysMs,
    onError: (err) => http.log.error({ err }, 'fulfilment delivery failed to run'),
    attempted: metrics.countAttempt,
  });
  try {
    const liveLog = createLiveLog({
      pubSub,
      bus,
      // Only asked while somebody watches the live log here, so the API (and its ORM) is loaded.
      read: async (ids) => {
        const [loaded, { NotificationLog }] = await Promise.all([orm(), import('../logs/notification-log.entity.js')]);
        return loaded.em.fork().find(NotificationLog, { id: { $in: ids } });
      },
      onError: (err, what) => http.log.error({ err }, what),
    });
    const queued = (): void => {
      fulfilment.poke();
      bus.publish({ type: 'due' });
    };
    const store = cachedStore(
      createSqlStore(sql, secrets, {
        queued,
        logged: liveLog.logged,
        ...listenerFeed(pubSub),
        listenerFailed: (err) => http.log.error({ err }, 'a listener of committed log rows or payment events failed'),
      }),
      bus,
    );
    const pendingLogs = pendingLogRows((entry) => store.writeLog(entry));
    const route: NotificationRouteOptions = {
      store,
      fulfilment: { confirm: (event, appOrderId) => fulfilment.deliverNow(eventId(event, appOrderId)) },
      pendingLogs,
      observe: metrics.observeNotification,
      // One budget for the route and the in-process sender alike.
      unverifiedLog: unverifiedLogBudget({ perApp: config.unverifiedLogPerMinute, total: config.unverifiedLogPerMinuteTotal }),
      unlogged: metrics.countUnlogged,
    };
    await http.register(notificationRoute, route);
    const { process: processNotification } = notificationProcessor(route);
    return { route, processNotification, fulfilment, pendingLogs, liveLog };
  } catch (err) {
    await fulfilment.stop();
    throw err;
  }
}
