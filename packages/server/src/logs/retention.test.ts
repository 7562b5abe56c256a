import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKey, DIALECTS, migratedOrm, until } from '../../test/helpers.js';
import { App } from '../apps/app.entity.js';
import type { Orm } from '../db/orm.js';
import { Transaction } from '../orders/transaction.entity.js';
import { NotificationLog } from './notification-log.entity.js';
import { purgeOldLogs, purgeUnverifiedLogs, scheduleRetention } from './retention.js';

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
    await em.insertMany(
      NotificationLog,
      Array.from({ length: 2_500 }, (_, i) => row(daysAgo(91 + (i % 200)))),
    );
    await em.insertMany(
      NotificationLog,
      Array.from({ length: 30 }, (_, i) => row(daysAgo(i))),
    );
    await em.insert(Transaction, {
      app: app.id,
      orderId: '1',
      vkUserId: 1,
      itemId: 'x',
      title: 'x',
      price: 1,
      test: false,
      createdAt: daysAgo(400),
    });
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

interface Knex {
  raw(sql: string, bindings?: readonly unknown[]): Promise<unknown>;
  transaction<T>(run: (trx: Knex) => Promise<T>): Promise<T>;
  on(event: 'query', listener: (q: { sql: string; bindings?: unknown[] }) => void): void;
  off(event: 'query', listener: (q: { sql: string; bindings?: unknown[] }) => void): void;
}
const knexOf = (orm: Orm): Knex => (orm.em.getConnection() as unknown as { getKnex(): Knex }).getKnex();

describe.each(DIALECTS)('the short retention of unverified log rows on %s', (dialect) => {
  let db: Awaited<ReturnType<typeof migratedOrm>>;
  let orm: Orm;
  let appId: number;
  type Verdict = boolean | null;
  const VERDICTS: Verdict[] = [true, false, null];
  const count = (signatureValid: Verdict, older: boolean) =>
    orm.em.fork().count(NotificationLog, { signatureValid, receivedAt: older ? { $lt: daysAgo(7) } : { $gte: daysAgo(7) } });

  beforeAll(async () => {
    db = await migratedOrm(dialect);
    orm = db.orm;
    const em = orm.em.fork();
    const app = em.create(App, { vkAppId: 2, name: 'Unverified retention', ...appKey(2) });
    await em.flush();
    appId = app.id;
    // Of each verdict (verified, bad sig, never checked): 1,200 rows 8 to 60 days old and 40 of the last week.
    const row = (signatureValid: Verdict, receivedAt: Date) => ({
      app: signatureValid === null ? null : appId,
      signatureValid,
      receivedAt,
      request: {},
      response: '{}',
      durationMs: 1,
    });
    for (const verdict of VERDICTS) {
      await em.insertMany(
        NotificationLog,
        Array.from({ length: 1_200 }, (_, i) => row(verdict, daysAgo(8 + (i % 52)))),
      );
      await em.insertMany(
        NotificationLog,
        Array.from({ length: 40 }, (_, i) => row(verdict, new Date(daysAgo(7).getTime() + (i + 1) * 3_600_000))),
      );
    }
    await em.insert(Transaction, {
      app: appId,
      orderId: '2',
      vkUserId: 1,
      itemId: 'x',
      title: 'x',
      price: 1,
      test: false,
      createdAt: daysAgo(30),
    });
  });
  afterAll(() => db?.close());

  it('deletes unverified rows older than the limit in batches, and keeps verified rows of the same age, newer rows and money', async () => {
    expect(await purgeUnverifiedLogs(orm, { days: 7, batchSize: 500, pauseMs: 0, now: () => NOW })).toBe(2 * 1_200);
    expect([await count(true, true), await count(false, true), await count(null, true)]).toEqual([1_200, 0, 0]);
    expect([await count(true, false), await count(false, false), await count(null, false)]).toEqual([40, 40, 40]);
    expect(await orm.em.fork().count(Transaction, {})).toBe(1);
    expect(await purgeUnverifiedLogs(orm, { days: 7, pauseMs: 0, now: () => NOW })).toBe(0);
  });

  it('finds each batch through an index, never by walking the verified rows it keeps', async () => {
    const knex = knexOf(orm);
    const queries: { sql: string; bindings?: unknown[] }[] = [];
    const listen = (q: { sql: string; bindings?: unknown[] }) => queries.push(q);
    knex.on('query', listen);
    try {
      await purgeUnverifiedLogs(orm, { days: 7, pauseMs: 0, now: () => NOW });
    } finally {
      knex.off('query', listen);
    }
    const selects = queries.filter((q) => /^select/i.test(q.sql));
    expect(selects.length).toBeGreaterThanOrEqual(2); // at least one per verdict: bad sig, never checked
    for (const { sql, bindings } of selects) {
      if (dialect === 'sqlite') {
        const plan = JSON.stringify(await knex.raw(`explain query plan ${sql}`, bindings ?? []));
        expect(plan).toContain('notification_logs_unverified_received_idx');
        expect(plan).not.toMatch(/TEMP B-TREE/); // no sort of every match: the index gives them in order
      } else {
        // A small table might be scanned anyway; what matters is that the index can serve the query in order.
        const plan = await knex.transaction(async (trx) => {
          await trx.raw('set local enable_seqscan = off');
          await trx.raw('set local enable_bitmapscan = off');
          const { rows } = (await trx.raw(`explain ${sql}`, bindings ?? [])) as { rows: { 'QUERY PLAN': string }[] };
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        });
        expect(plan).toContain('notification_logs_unverified_received_idx');
        expect(plan).toMatch(/Index Cond: \(\(signature_valid (= false|IS NULL)\) AND \(received_at < /);
        expect(plan).not.toMatch(/Sort/);
      }
    }
  });
});

describe('scheduled retention', () => {
  it('keeps a failing purge to itself, even when reporting it fails too', async () => {
    const db = await migratedOrm('sqlite');
    await db.close(); // every query now fails
    const reported: unknown[] = [];
    const schedule = scheduleRetention(
      db.orm,
      { days: 90, unverifiedDays: 7 },
      (err) => {
        reported.push(err);
        throw new Error('the reporter failed as well');
      },
      20,
    );
    // Each run reports its log purge and its session purge: four reports are two whole runs, the second
    // after the first one's reporter failed. An unhandled rejection would fail this file (vitest reports it).
    await until('two runs reported', () => reported.length >= 4);
    schedule.stop();
  });
});
