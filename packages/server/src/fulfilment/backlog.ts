/**
 * The fulfilment backlog across all apps, for the metrics read at each scrape (observability/metrics.ts):
 * how many events wait for the game backend and since when the oldest one waits. One bounded read over
 * fulfilment_deliveries_due_idx (status, next_attempt_at): a scrape never walks more than
 * BACKLOG_COUNTED rows, however large the pile is — by then the count says enough.
 */
import { readDate, readNumber, type Sql } from '../db/sql.js';

export const BACKLOG_COUNTED = 10_000;

const BACKLOG = `select count(*) as n, min(created_at) as oldest
  from (select created_at from fulfilment_deliveries where status = 'pending' limit ${BACKLOG_COUNTED}) p`;

export async function pendingBacklog(sql: Pick<Sql, 'one'>): Promise<{ count: number; oldest: Date | null }> {
  const row = await sql.one(BACKLOG);
  return { count: readNumber(row?.n) ?? 0, oldest: readDate(row?.oldest) };
}
