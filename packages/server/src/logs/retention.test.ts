import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKey, DIALECTS, migratedOrm } from '../../test/helpers.js';
import { App } from '../apps/app.entity.js';
import type { Orm } from '../db/orm.js';
import { Transaction } from '../orders/transaction.entity.js';
import { NotificationLog } from './notification-log.entity.js';
import { purgeOldLogs, scheduleRetention } from './retention.js';

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
});

describe('scheduled retention', () => {
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
