/**
 * Prometheus metrics at GET /metrics (README "Running several instances"): notifications by type and result, their latency,
 * answers slower than a tenth of VK's deadline, GraphQL operations and errors, the database pool.
 * One registry per server, so several servers in one process (tests) do not collide.
 *
 * Every label value comes from a closed list (labels.ts): a value a client chose would make a new
 * series per request and grow the registry, and every scrape, without bound.
 */
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { notificationTypeLabel } from './notification-label.js';
import type { Bus } from '../cluster/bus.js';
import type { Orm } from '../db/orm.js';
import type { Sql } from '../db/sql.js';
import { BACKLOG_COUNTED, oldestPending, pendingCount } from '../fulfilment/backlog.js';
import type { AttemptOutcome } from '../fulfilment/worker.js';
import type { HandledNotification } from '../notifications/handle.js';
import type { UnloggedReason } from '../notifications/unverified-budget.js';

/** A tenth of VK's 10 s deadline (docs/protocol.md §1): an answer slower than this is worth an alert. */
export const SLOW_ANSWER_SECONDS = 1;

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

export interface Metrics {
  registry: Registry;
  observeNotification: (handled: HandledNotification, seconds: number) => void;
  /** An unverified notification answered without a log row (over its app's per-minute budget). */
  countUnlogged: (reason: UnloggedReason) => void;
  /** A GraphQL operation answered, by labels from closed lists (graphql-metrics.ts). */
  countOperation(labels: { operation: string; type: string; result: string }): void;
  /** A mini app API answer, by route and outcome (`ok` or the error code), both from closed lists (mini-app/requests.ts). */
  countMiniApp(labels: { route: string; outcome: string }): void;
  route(app: FastifyInstance): void;
  /** The cluster bus: whether it listens, and the events it brought (by type: a closed list). */
  watchBus(bus: Bus): void;
  /** One attempt to deliver a fulfilment event, by what came of it (fulfilment/worker.ts). */
  countAttempt: (outcome: AttemptOutcome) => void;
  /**
   * Gauges read from the database at most every STATE_FRESH_MS, whatever the scrapes: whether /readyz
   * would answer ready (not `draining`, and `databaseAnswers`: the same check), and the fulfilment
   * backlog (from the database every instance shares, so each instance reports the same).
   */
  watchState(state: { draining: () => boolean; databaseAnswers: () => Promise<boolean>; sql: Pick<Sql, 'one'> }): void;
}

/**
 * How long a gauge read at scrape time may take: a database that hangs must not hang /metrics too, or
 * the scrape fails and the rules see a dead target instead of a database that is not ready.
 */
export const SCRAPE_CHECK_MS = 2_000;

/**
 * How long a value read from the database serves the scrapes: /metrics is public and not rate limited,
 * so a client scraping back to back must not cost a query each (Prometheus scrapes every 15 s or more).
 */
export const STATE_FRESH_MS = 5_000;

/** The value, or `fallback` when it failed or took longer than SCRAPE_CHECK_MS. */
async function withinScrape<T>(work: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), SCRAPE_CHECK_MS);
  });
  try {
    return await Promise.race([work.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `read` at most once per STATE_FRESH_MS and never twice at a time: a scrape within that time of the last
 * answer gets it again, and every scrape while a read is under way waits for that same read (at most
 * SCRAPE_CHECK_MS, then `fallback`). The read is forgotten only when it settles, not when a scrape gives up
 * on it: a database that hangs holds one query of ours, not one more per scrape. A failure is kept like an
 * answer (as `fallback`), so a database that refuses is not asked again at each scrape either.
 */
export function sharedRead<T>(read: () => Promise<T>, fallback: T, clock: () => number = Date.now): () => Promise<T> {
  let last: { value: T; at: number } | null = null;
  let reading: Promise<T> | null = null;
  return () => {
    if (last && clock() - last.at < STATE_FRESH_MS) return Promise.resolve(last.value);
    reading ??= read()
      .catch(() => fallback)
      .then((value) => {
        last = { value, at: clock() };
        reading = null;
        return value;
      });
    return withinScrape(reading, fallback);
  };
}

/** `orm`: the API's ORM once it is loaded (its pool is a gauge). */
export function createMetrics(orm: () => Orm | undefined): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vkp_' });
  const registers = [registry];

  const notifications = new Counter({
    name: 'vkp_notifications_total',
    help: 'Notifications answered, by kind, test flag and result (ok, or the VK error code).',
    labelNames: ['type', 'test', 'result'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'vkp_notification_duration_seconds',
    help: 'Time from reading a notification to its committed answer.',
    labelNames: ['type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const unlogged = new Counter({
    name: 'vkp_notifications_unlogged_total',
    help: 'Unverified notifications (bad or missing sig, no app of ours) answered but not logged: over the per-minute budget of their app (VKP_UNVERIFIED_LOG_PER_MINUTE) or of the instance (VKP_UNVERIFIED_LOG_PER_MINUTE_TOTAL).',
    labelNames: ['reason'] as const,
    registers,
  });
  const slow = new Counter({
    name: 'vkp_notifications_slow_total',
    help: `Answers slower than ${SLOW_ANSWER_SECONDS} s (a tenth of VK's deadline).`,
    registers,
  });
  const attempts = new Counter({
    name: 'vkp_fulfilment_attempts_total',
    help: 'Attempts to deliver a fulfilment event to the game backend, by outcome: delivered (2xx), retrying (failed, another attempt is scheduled) or failed (failed, retries exhausted: waits for a resend).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const operations = new Counter({
    name: 'vkp_graphql_operations_total',
    help: 'GraphQL operations, by root field (first field of the operation, or other), type and result (ok, or the first error code).',
    labelNames: ['operation', 'type', 'result'] as const,
    registers,
  });
  const miniApp = new Counter({
    name: 'vkp_mini_app_requests_total',
    help: 'Mini app API answers (GET /mini-app/v1/*, and preflights), by route and outcome (ok, or the error code).',
    labelNames: ['route', 'outcome'] as const,
    registers,
  });
  new Gauge({
    name: 'vkp_db_pool_connections',
    help: 'Database pool connections by state (used, free, pending acquires).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const loaded = orm();
      if (!loaded) return; // the API (and its ORM) is still loading
      let pool: TarnPool | undefined;
      try {
        pool = (loaded.em.getConnection() as unknown as { getKnex(): { client: { pool?: TarnPool } } }).getKnex().client.pool;
      } catch {
        pool = undefined; // closing: the scrape still answers, without this gauge
      }
      if (!pool) return;
      this.set({ state: 'used' }, pool.numUsed());
      this.set({ state: 'free' }, pool.numFree());
      this.set({ state: 'pending' }, pool.numPendingAcquires());
    },
  });

  return {
    registry,
    observeNotification(handled, seconds) {
      const type = notificationTypeLabel(handled.log.notificationType);
      notifications.inc({
        type,
        test: String(handled.log.test),
        result: handled.log.errorCode === null ? 'ok' : String(handled.log.errorCode),
      });
      latency.observe({ type }, seconds);
      if (seconds > SLOW_ANSWER_SECONDS) slow.inc();
    },
    countUnlogged: (reason) => unlogged.inc({ reason }),
    countAttempt: (outcome) => attempts.inc({ outcome }),
    watchState({ draining, databaseAnswers, sql }) {
      const answers = sharedRead(databaseAnswers, false);
      new Gauge({
        name: 'vkp_ready',
        help: 'Whether GET /readyz answers ready (1): the database answers and the instance is not draining. 0 when the check fails or takes over 2 s; the database is asked at most every 5 s.',
        registers,
        async collect() {
          this.set(!draining() && (await answers()) ? 1 : 0);
        },
      });
      // Each read serves its gauge for STATE_FRESH_MS; null (failed, or late) keeps the gauge's last value: vkp_ready is 0 meanwhile.
      const count = sharedRead(() => pendingCount(sql), null);
      const oldest = sharedRead(() => oldestPending(sql).then((at) => ({ at })), null);
      new Gauge({
        name: 'vkp_fulfilment_pending_deliveries',
        help: `Fulfilment events not yet delivered (queued or retrying), all apps; counted up to ${BACKLOG_COUNTED}, at most every 5 s. The last value read while the database does not answer.`,
        registers,
        async collect() {
          const now = await count();
          if (now !== null) this.set(now);
        },
      });
      new Gauge({
        name: 'vkp_fulfilment_oldest_pending_seconds',
        help: 'How long the oldest fulfilment event not yet delivered has waited since it was queued (0 when none), read at most every 5 s. The last value read while the database does not answer.',
        registers,
        async collect() {
          const now = await oldest();
          if (now) this.set(now.at ? Math.max(0, (Date.now() - now.at.getTime()) / 1000) : 0);
        },
      });
    },
    countOperation: (labels) => operations.inc(labels),
    countMiniApp: (labels) => miniApp.inc(labels),
    watchBus(bus) {
      new Gauge({
        name: 'vkp_bus_connected',
        help: 'Whether the cluster bus listens (1): at 0 the caches are bypassed and other instances\' live-log rows and revocations are not heard (README "Running several instances").',
        registers,
        collect() {
          this.set(bus.connected ? 1 : 0);
        },
      });
      const received = new Counter({
        name: 'vkp_bus_events_total',
        help: 'Events the cluster bus brought from the database or other instances, by type.',
        labelNames: ['type'] as const,
        registers,
      });
      bus.subscribe((event) => received.inc({ type: event.type }));
    },
    route(app) {
      // A collector that fails is Fastify's 500 for this scrape, never the process's problem.
      app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
    },
  };
}
