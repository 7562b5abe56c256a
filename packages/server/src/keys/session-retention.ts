/**
 * Widget sessions are short-lived (24 hours at most) but their rows stayed forever, one per mint: the
 * hourly retention job (logs/retention.ts) deletes those that expired more than a day ago — revoked
 * ones too, since a revoked session expires within a day like any other. The day of grace lets a late
 * request still be told "the widget session has expired" rather than "not valid". Rows go in small
 * batches with a pause between them, as the log purge does, so other writes never wait long.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Orm } from '../db/orm.js';
import { WidgetSession } from './widget-session.entity.js';

/** How long past its expiry a widget session's row is kept. */
export const EXPIRED_SESSION_GRACE_MS = 86_400_000;

export interface SessionPurgeOptions {
  /** Rows per delete statement. */
  batchSize?: number;
  /** Pause between batches, ms. */
  pauseMs?: number;
  now?: () => Date;
  signal?: AbortSignal;
}

/** Deletes widget sessions that expired more than a day ago; returns how many. */
export async function purgeExpiredSessions(
  orm: Orm,
  { batchSize = 1_000, pauseMs = 20, now = () => new Date(), signal }: SessionPurgeOptions = {},
): Promise<number> {
  const cutoff = new Date(now().getTime() - EXPIRED_SESSION_GRACE_MS);
  let deleted = 0;
  while (!signal?.aborted) {
    const em = orm.em.fork();
    const batch = await em.find(
      WidgetSession,
      { expiresAt: { $lt: cutoff } },
      { fields: ['id'], limit: batchSize, orderBy: { id: 'asc' } },
    );
    if (!batch.length) break;
    deleted += await em.nativeDelete(WidgetSession, { id: { $in: batch.map((row) => row.id) } });
    if (batch.length < batchSize) break;
    await sleep(pauseMs, undefined, { signal }).catch(() => undefined);
  }
  return deleted;
}
