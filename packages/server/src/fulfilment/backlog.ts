/**
 * The fulfilment backlog across all apps, for the metrics (observability/metrics.ts): how many events wait
 * for the game backend, and since when the oldest one waits. Each is one bounded read: the count walks at
 * most BACKLOG_COUNTED rows of fulfilment_deliveries_due_idx (status, next_attempt_at), however large the
 * pile is — by then the count says enough; the oldest is the first row of
 * fulfilment_deliveries_pending_age_idx (status, created_at), so it is the oldest of the whole pile.
 */
import { readDate, readNumber, type Sql } from '../db/sql.js';

export const BACKLOG_COUNTED = 10_000;

const COUNT = `select count(*) as n from (select 1 from fulfilment_deliveries where status = 'pending' limit ${BACKLOG_COUNTED}) p`;
export const OLDEST_PENDING = `select created_at from fulfilment_deliveries where status = 'pending' order by created_at limit 1`;

export async function pendingCount(sql: Pick<Sql, 'one'>): Promise<number> {
  return readNumber((await sql.one(COUNT))?.n) ?? 0;
}

/** When the oldest event not yet delivered was queued; null when none waits. */
export async function oldestPending(sql: Pick<Sql, 'one'>): Promise<Date | null> {
  return readDate((await sql.one(OLDEST_PENDING))?.created_at);
}
