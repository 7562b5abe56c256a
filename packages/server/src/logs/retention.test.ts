import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKey, DIALECTS, migratedOrm } from '../../test/helpers.js';
import { App } from '../apps/app.entity.js';
import type { Orm } from '../db/orm.js';
import { Transaction } from '../orders/transaction.entity.js';
import { NotificationLog } from './notification-log.entity.js';
import { purgeExpiredSessions, purgeOldLogs, scheduleRetention } from './retention.js';
import { WidgetSession } from '../auth/widget-session.entity.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number): Date => new Date(NOW.getTime() - d * 86_400_000);

describe.each(DIALECTS)('log retention on %s', (dialect) => {
  let db: Awaited<ReturnType<typeof migratedOrm>>;
  let orm: Orm;

  beforeAll(async () => {
    db = await migratedOrm(dialect);
    orm = db.orm;
    const em = orm.em.fork();
    const app = em.create(App, { vkAppId: 1, name: 'Retention', ...appKey(1) });
    await em.flush();
    const row = (receivedAt: Date) => ({ app: app.id, receivedAt, request: {}, response: '{}', durationMs: 1 });
    // 2,500 rows older than 90 days, 30 recent ones; and an old transaction.
    await em.insertMany(NotificationLog, Array.from({ length: 2_500 }, (_, i) => row(daysAgo(91 + (i % 200)))));
    await em.insertMany(NotificationLog, Array.from({ length: 30 }, (_, i) => row(daysAgo(i))));
    await em.insert(Transaction, { app: app.id, orderId: '1', vkUserId: 1, itemId: 'x', title: 'x', price: 1, test: false, createdAt: daysAgo(400) });
  });
  afterAll(() => db?.close());

  it('deletes log rows older than the limit in batches, keeps newer ones, and never touches transactions', async () => {
    expect(await purgeOldLogs(orm, { days: 90, batchSize: 1_000, pauseMs: 0, now: () => NOW })).toBe(2_500);
    const em = orm.em.fork();
    expect(await em.count(NotificationLog, {})).toBe(30);
    expect(await em.count(Transaction, {})).toBe(1);
    expect(await purgeOldLogs(orm, { days: 90, pauseMs: 0, now: () => NOW })).toBe(0);
  });

  it('deletes widget sessions expired (or revoked and expired) more than a day ago, in batches, and keeps the rest', async () => {
    const em = orm.em.fork();
    const app = await em.findOneOrFail(App, { vkAppId: 1 });
    const hoursAgo = (h: number): Date => new Date(NOW.getTime() - h * 3_600_000);
    let n = 0;
    const session = (expiresAt: Date, revokedAt: Date | null = null) => ({ app: app.id, role: 'ADMIN', tokenHash: `hash-${dialect}-${n++}`, createdAt: hoursAgo(200), expiresAt, revokedAt });
    await em.insertMany(WidgetSession, Array.from({ length: 2_100 }, (_, i) => session(hoursAgo(25 + (i % 100)), i % 3 ? null : hoursAgo(48))));
    // Kept: expired less than a day ago (still answered "expired"), revoked but not yet a day past expiry, live.
    await em.insertMany(WidgetSession, [session(hoursAgo(23)), session(hoursAgo(1), hoursAgo(2)), session(new Date(NOW.getTime() + 3_600_000))]);
    expect(await purgeExpiredSessions(orm, { batchSize: 1_000, pauseMs: 0, now: () => NOW })).toBe(2_100);
    expect((await orm.em.fork().find(WidgetSession, {}, { orderBy: { id: 'asc' } })).map((s) => s.expiresAt.getTime())).toEqual(
      [hoursAgo(23), hoursAgo(1), new Date(NOW.getTime() + 3_600_000)].map((d) => d.getTime()),
    );
    expect(await purgeExpiredSessions(orm, { pauseMs: 0, now: () => NOW })).toBe(0);
  });
});

describe('scheduled retention', () => {
  it('purges expired widget sessions every round, as it purges the log', async () => {
    const db = await migratedOrm('sqlite');
    try {
      const em = db.orm.em.fork();
      const app = em.create(App, { vkAppId: 2, name: 'Sessions', ...appKey(2) });
      await em.flush();
      const expiresAt = new Date(Date.now() - 2 * 86_400_000);
      await em.insert(WidgetSession, { app: app.id, role: 'VIEWER', tokenHash: 'old', createdAt: new Date(), expiresAt });
      await em.insert(WidgetSession, { app: app.id, role: 'VIEWER', tokenHash: 'live', createdAt: new Date(), expiresAt: new Date(Date.now() + 600_000) });
      const schedule = scheduleRetention(db.orm, 90, (err) => {
        throw err;
      }, 20);
      await new Promise((resolve) => setTimeout(resolve, 200));
      schedule.stop();
      expect((await db.orm.em.fork().find(WidgetSession, {})).map((s) => s.tokenHash)).toEqual(['live']);
    } finally {
      await db.close();
    }
  });

  it('keeps a failing purge to itself, even when reporting it fails too', async () => {
    const db = await migratedOrm('sqlite');
    await db.close(); // every query now fails
    const reported: unknown[] = [];
    const schedule = scheduleRetention(db.orm, 90, (err) => {
      reported.push(err);
      throw new Error('the reporter failed as well');
    }, 20);
    await new Promise((resolve) => setTimeout(resolve, 150));
    schedule.stop();
    // An unhandled rejection here would fail this file (vitest reports it as an error).
    expect(reported.length).toBeGreaterThan(0);
  });
});
