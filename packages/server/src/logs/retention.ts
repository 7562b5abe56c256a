/**
 * Log retention (VKP_LOG_RETENTION_DAYS): notification log rows older than the limit are deleted in
 * small batches with a pause between them, so the endpoint's own writes never wait long for the
 * database. Only the log is touched: transactions and subscriptions are kept forever.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { purgeExpiredSessions } from '../auth/session-retention.js';
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

/** Deletes log rows older than `days`; returns how many. */
export async function purgeOldLogs(orm: Orm, { days, batchSize = 1_000, pauseMs = 20, now = () => new Date(), signal }: RetentionOptions): Promise<number> {
  const cutoff = new Date(now().getTime() - days * 86_400_000);
  let deleted = 0;
  while (!signal?.aborted) {
    const em = orm.em.fork();
    const batch = await em.find(NotificationLog, { receivedAt: { $lt: cutoff } }, { fields: ['id'], limit: batchSize, orderBy: { id: 'asc' } });
    if (!batch.length) break;
    deleted += await em.nativeDelete(NotificationLog, { id: { $in: batch.map((row) => row.id) } });
    if (batch.length < batchSize) break;
    await sleep(pauseMs, undefined, { signal }).catch(() => undefined);
  }
  return deleted;
}

/** Runs the purge a minute after start and then hourly; `stop()` ends it (and any purge under way). */
export function scheduleRetention(orm: Orm, days: number, onError: (err: unknown) => void, intervalMs = 3_600_000): { stop(): void } {
  const controller = new AbortController();
  // Runs from timers: whatever fails (the purge, or the reporter itself) stays here.
  const run = (): void => {
    const report = (err: unknown): void => {
      try {
        onError(err);
      } catch {
        // nothing left to tell
      }
    };
    // Then expired widget sessions (auth/session-retention.ts), on their own: a failing log purge does
    // not keep them forever.
    void purgeOldLogs(orm, { days, signal: controller.signal })
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
