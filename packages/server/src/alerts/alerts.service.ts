/**
 * The conditions the Prometheus rules watch (deploy/prometheus/vk-payments.rules.yml), for one app and
 * from the database, so the widget can say which app and how many: bad signatures, error 2 and slow
 * answers in the last hour from the notification log; failed, failing and waiting deliveries as they
 * are now. One statement of bounded counts, each a range of an index that leads with the app:
 * - notification_logs_app_received_outcome_idx (app_id, received_at, error_code, duration_ms): the app's
 *   last hour, its error codes and durations read from the index alone;
 * - fulfilment_deliveries_app_idx (app_id, status): the app's failed and pending deliveries.
 * (alert-indexes.test.ts checks each plan on both stores.)
 * Each count stops at ALERT_COUNT_CAP matches, so a flood costs no more than that to count.
 *
 * Test traffic counts: these are the server's and the game backend's troubles, which a tester's
 * payment meets as a real one does; money figures are elsewhere (stats/). Rows of an `app_id` that is
 * not ours belong to no app and count for none.
 */
import type { EntityManager } from '@mikro-orm/core';
import { appIdOf } from '../apps/apps.service.js';
import { isPostgres } from '../db/orm.js';
import { readNumber, type Row } from '../db/sql.js';
import { SLOW_ANSWER_SECONDS } from '../observability/metrics.js';
import type { Alert, AlertCode, AlertSeverity } from './alerts.types.js';

/** The notification log's window: "in the last hour". */
export const ALERT_WINDOW_SECONDS = 3600;
/** Deliveries waiting longer than this pile up (VkPaymentsFulfilmentPilingUp's 900 s). */
export const PILING_UP_SECONDS = 900;
export const ALERT_COUNT_CAP = 1000;
/** VK's error codes (docs/protocol.md §4): 10 for a bad signature, 2 for a temporary failure. */
const BAD_SIGNATURE = 10;
const TEMPORARY = 2;

const SEVERITY: Record<AlertCode, AlertSeverity> = {
  BAD_SIGNATURES: 'CRITICAL',
  TEMPORARY_ERRORS: 'CRITICAL',
  DELIVERIES_FAILED: 'CRITICAL',
  SLOW_ANSWERS: 'WARNING',
  DELIVERIES_FAILING: 'WARNING',
  DELIVERIES_PILING_UP: 'WARNING',
};

/** One count the statement makes: of `table`'s rows matching `where`, with its parameters in order. */
export interface AlertCount {
  code: AlertCode;
  table: 'notification_logs' | 'fulfilment_deliveries';
  where: string;
  params: (q: { appId: number; since: Date; piledBefore: Date }) => (number | Date)[];
  windowSeconds: number | null;
  thresholdSeconds: number | null;
}

const WINDOWED = 'app_id = ? and received_at >= ?';

/** In the order they are shown within a severity. */
export const ALERT_COUNTS: readonly AlertCount[] = [
  {
    code: 'BAD_SIGNATURES',
    table: 'notification_logs',
    where: `${WINDOWED} and error_code = ?`,
    params: (q) => [q.appId, q.since, BAD_SIGNATURE],
    windowSeconds: ALERT_WINDOW_SECONDS,
    thresholdSeconds: null,
  },
  {
    code: 'TEMPORARY_ERRORS',
    table: 'notification_logs',
    where: `${WINDOWED} and error_code = ?`,
    params: (q) => [q.appId, q.since, TEMPORARY],
    windowSeconds: ALERT_WINDOW_SECONDS,
    thresholdSeconds: null,
  },
  {
    code: 'DELIVERIES_FAILED',
    table: 'fulfilment_deliveries',
    where: "app_id = ? and status = 'failed'",
    params: (q) => [q.appId],
    windowSeconds: null,
    thresholdSeconds: null,
  },
  {
    code: 'SLOW_ANSWERS',
    table: 'notification_logs',
    where: `${WINDOWED} and duration_ms > ?`,
    params: (q) => [q.appId, q.since, SLOW_ANSWER_SECONDS * 1000],
    windowSeconds: ALERT_WINDOW_SECONDS,
    thresholdSeconds: SLOW_ANSWER_SECONDS,
  },
  {
    code: 'DELIVERIES_FAILING',
    table: 'fulfilment_deliveries',
    where: "app_id = ? and status = 'pending' and attempts > 0",
    params: (q) => [q.appId],
    windowSeconds: null,
    thresholdSeconds: null,
  },
  {
    code: 'DELIVERIES_PILING_UP',
    table: 'fulfilment_deliveries',
    where: "app_id = ? and status = 'pending' and created_at < ?",
    params: (q) => [q.appId, q.piledBefore],
    windowSeconds: null,
    thresholdSeconds: PILING_UP_SECONDS,
  },
];

/** Each a `count(*)` of at most CAP + 1 matching rows: over CAP means capped. */
const STATEMENT = `select ${ALERT_COUNTS.map(
  (c, i) => `(select count(*) from (select 1 from ${c.table} where ${c.where} limit ${ALERT_COUNT_CAP + 1}) c${i}) as n${i}`,
).join(', ')}`;

/** What the rows say, worst first; an empty list when all is well. */
export async function appAlerts(em: EntityManager, vkAppId: number, now: Date = new Date()): Promise<Alert[]> {
  const appId = await appIdOf(em, vkAppId);
  const pg = isPostgres(em);
  const query = {
    appId,
    since: new Date(now.getTime() - ALERT_WINDOW_SECONDS * 1000),
    piledBefore: new Date(now.getTime() - PILING_UP_SECONDS * 1000),
  };
  // Dates as each store keeps them: epoch ms in SQLite (db/sql.ts).
  const params = ALERT_COUNTS.flatMap((c) => c.params(query)).map((v) => (v instanceof Date && !pg ? v.getTime() : v));
  const [row] = (await em.getConnection().execute(STATEMENT, params)) as Row[];
  const found = ALERT_COUNTS.flatMap(({ code, windowSeconds, thresholdSeconds }, i): Alert[] => {
    const n = readNumber(row?.[`n${i}`]) ?? 0;
    if (n === 0) return [];
    const count = Math.min(n, ALERT_COUNT_CAP);
    return [{ code, severity: SEVERITY[code], count, countCapped: n > ALERT_COUNT_CAP, windowSeconds, thresholdSeconds }];
  });
  // Critical first, each group in the order above.
  return [...found.filter((a) => a.severity === 'CRITICAL'), ...found.filter((a) => a.severity !== 'CRITICAL')];
}
