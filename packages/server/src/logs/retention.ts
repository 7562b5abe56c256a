/**
 * Log retention: notification log rows older than VKP_LOG_RETENTION_DAYS, and rows of unverified
 * requests (bad or missing sig, unknown app, unreadable body: anyone can send them) older than the
 * shorter VKP_UNVERIFIED_LOG_RETENTION_DAYS, are deleted in small batches with a pause between them, so
 * the endpoint's own writes never wait long for the database. Only the log is touched: transactions and
 * subscriptions are kept forever, and a verified row is kept its full term.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FilterQuery } from '@mikro-orm/core';
import { purgeExpiredSessions } from '../keys/session-retention.js';
import type { Orm } from '../db/orm.js';
import { NotificationLog } from './notification-log.entity.js';

export interface RetentionOptions {
  days: number;
  /** Rows per delete statement. */
  batchSize?: number;
  /** Pause between batches, ms. */
  pauseMs?: number;
  now?: () => Date;
  signal?: AbortSignal;
}

type Batching = Required<Pick<RetentionOptions, 'batchSize' | 'pauseMs'>> & Pick<RetentionOptions, 'signal'>;

/** Deletes the rows `where` matches, `batchSize` at a time (by `order`, else as the index finds them); returns how many. */
async function purgeInBatches(
  orm: Orm,
  where: FilterQuery<NotificationLog>,
  order: 'id' | null,
  { batchSize, pauseMs, signal }: Batching,
): Promise<number> {
  let deleted = 0;
  while (!signal?.aborted) {
    const em = orm.em.fork();
    const batch = await em.find(NotificationLog, where, {
      fields: ['id'],
      limit: batchSize,
      ...(order && { orderBy: { [order]: 'asc' } }),
    });
    if (!batch.length) break;
    deleted += await em.nativeDelete(NotificationLog, { id: { $in: batch.map((row) => row.id) } });
    if (batch.length < batchSize) break;
    await sleep(pauseMs, undefined, { signal }).catch(() => undefined);
  }
  return deleted;
}

const cutoff = (now: () => Date, days: number): Date => new Date(now().getTime() - days * 86_400_000);

/** Deletes log rows older than `days`; returns how many. */
export async function purgeOldLogs(
  orm: Orm,
  { days, batchSize = 1_000, pauseMs = 20, now = () => new Date(), signal }: RetentionOptions,
): Promise<number> {
  // Rows are written in time order, so the oldest ids are the oldest rows: the primary key finds them.
  return purgeInBatches(orm, { receivedAt: { $lt: cutoff(now, days) } }, 'id', { batchSize, pauseMs, signal });
}

/**
 * The unverified rows (`signatureValid` false: bad or missing sig; null: never checked) among them: one
 * query each, an equality and a range on the (signature_valid, received_at) index, so the purge never
 * walks the verified rows it keeps. In no order: PostgreSQL cannot read `IS NULL` rows of the index in
 * time order, and would sort every match for each batch. Returns how many were deleted.
 */
export async function purgeUnverifiedLogs(
  orm: Orm,
  { days, batchSize = 1_000, pauseMs = 20, now = () => new Date(), signal }: RetentionOptions,
): Promise<number> {
  const before = cutoff(now, days);
  let deleted = 0;
  for (const signatureValid of [false, null]) {
    deleted += await purgeInBatches(orm, { signatureValid, receivedAt: { $lt: before } }, null, { batchSize, pauseMs, signal });
  }
  return deleted;
}

export interface RetentionDays {
  /** Every log row. */
  days: number;
  /** Rows of unverified requests. */
  unverifiedDays: number;
}

/** Runs the purges a minute after start and then hourly; `stop()` ends them (and any purge under way). */
export function scheduleRetention(
  orm: Orm,
  { days, unverifiedDays }: RetentionDays,
  onError: (err: unknown) => void,
  intervalMs = 3_600_000,
): { stop(): void } {
  const controller = new AbortController();
  const purge = async (): Promise<void> => {
    await purgeOldLogs(orm, { days, signal: controller.signal });
    await purgeUnverifiedLogs(orm, { days: unverifiedDays, signal: controller.signal });
  };
  // Runs from timers: whatever fails (the purge, or the reporter itself) stays here.
  const run = (): void => {
    const report = (err: unknown): void => {
      try {
        onError(err);
      } catch {
        // nothing left to tell
      }
    };
    // Then expired widget sessions (keys/session-retention.ts), on their own: a failing log purge does
    // not keep them forever.
    void purge()
      .catch(report)
      .then(() => purgeExpiredSessions(orm, { signal: controller.signal }))
      .catch(report);
  };
  const first = setTimeout(run, Math.min(60_000, intervalMs));
  const every = setInterval(run, intervalMs);
  first.unref();
  every.unref();
  return {
    stop() {
      controller.abort();
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
