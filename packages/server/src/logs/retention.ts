/**
 * Retention, run hourly. Notification log rows older than VKP_LOG_RETENTION_DAYS are deleted; so are
 * widget sessions that expired more than a day ago (revoked ones included: a session lives 24 hours at
 * most, so a revoked one expires within a day too). Without this, every minted session would stay in
 * the database forever. The day of grace lets a late request still be told "the widget session has
 * expired" rather than "not valid". Rows go in small batches with a pause between them, so the
 * endpoint's own writes never wait long for the database. Transactions and subscriptions are kept forever.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/core';
import { WidgetSession } from '../auth/widget-session.entity.js';
import type { Orm } from '../db/orm.js';
import { NotificationLog } from './notification-log.entity.js';

export interface RetentionOptions {
  /** Rows per delete statement. */
  batchSize?: number;
  /** Pause between batches, ms. */
  pauseMs?: number;
  now?: () => Date;
  signal?: AbortSignal;
}

/** How long past its expiry a widget session is kept. */
export const EXPIRED_SESSION_GRACE_MS = 86_400_000;

/**
 * Runs `batch` (which deletes at most `limit` rows and says how many it found) until a batch comes back
 * short; returns how many rows were found in all.
 */
async function purgeInBatches(orm: Orm, batch: (em: EntityManager, limit: number) => Promise<number>, { batchSize = 1_000, pauseMs = 20, signal }: RetentionOptions): Promise<number> {
  let deleted = 0;
  while (!signal?.aborted) {
    const found = await batch(orm.em.fork(), batchSize);
    deleted += found;
    if (found < batchSize) break;
    await sleep(pauseMs, undefined, { signal }).catch(() => undefined);
  }
  return deleted;
}

const cutoff = (options: RetentionOptions, ms: number): Date => new Date((options.now?.() ?? new Date()).getTime() - ms);

/** Deletes log rows older than `days`; returns how many. */
export async function purgeOldLogs(orm: Orm, { days, ...options }: RetentionOptions & { days: number }): Promise<number> {
  const before = cutoff(options, days * 86_400_000);
  return purgeInBatches(orm, async (em, limit) => {
    const rows = await em.find(NotificationLog, { receivedAt: { $lt: before } }, { fields: ['id'], limit, orderBy: { id: 'asc' } });
    if (rows.length) await em.nativeDelete(NotificationLog, { id: { $in: rows.map((row) => row.id) } });
    return rows.length;
  }, options);
}

/** Deletes widget sessions that expired more than a day ago; returns how many. */
export async function purgeExpiredSessions(orm: Orm, options: RetentionOptions = {}): Promise<number> {
  const before = cutoff(options, EXPIRED_SESSION_GRACE_MS);
  return purgeInBatches(orm, async (em, limit) => {
    const rows = await em.find(WidgetSession, { expiresAt: { $lt: before } }, { fields: ['id'], limit, orderBy: { id: 'asc' } });
    if (rows.length) await em.nativeDelete(WidgetSession, { id: { $in: rows.map((row) => row.id) } });
    return rows.length;
  }, options);
}

/** Runs the purges a minute after start and then hourly; `stop()` ends it (and any purge under way). */
export function scheduleRetention(orm: Orm, days: number, onError: (err: unknown) => void, intervalMs = 3_600_000): { stop(): void } {
  const controller = new AbortController();
  const { signal } = controller;
  // Runs from timers: whatever fails (a purge, or the reporter itself) stays here.
  const report = (err: unknown): void => {
    try {
      onError(err);
    } catch {
      // nothing left to tell
    }
  };
  const run = (): void => {
    // One after the other, and each on its own: a failing log purge does not keep sessions forever.
    void purgeOldLogs(orm, { days, signal })
      .catch(report)
      .then(() => purgeExpiredSessions(orm, { signal }))
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
