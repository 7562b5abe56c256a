/**
 * The subscription history (migration SubscriptionEvents) on a database the previous release made and
 * filled: every row of every table intact, and the history reconstructed from what was stored — each
 * charge at its time, a live subscription never charged since its creation, a cancelled one at its last
 * update — so subscription stats show the old data as far as it can be known.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateTo } from '../../test/db-inspect.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../../test/helpers.js';
import { subscriptionStats } from '../stats/subscription-stats.service.js';
import { migrate, openOrm, type Orm } from './orm.js';
import { openSql, type Row, type Sql } from './sql.js';

/** The last migration of the release before this one. */
const PREVIOUS_RELEASE = 'Migration20261202031951AppIndexes';

const at = (iso: string): Date => new Date(iso);

async function tables(sql: Sql): Promise<string[]> {
  const rows =
    sql.dialect === 'sqlite'
      ? await sql.all("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> 'mikro_orm_migrations'")
      : await sql.all(
          "select tablename as name from pg_tables where schemaname = current_schema() and tablename <> 'mikro_orm_migrations'",
        );
  return rows.map((r) => String(r.name)).sort();
}

async function everyRow(sql: Sql): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const table of await tables(sql)) out[table] = await sql.all(`select * from ${table} order by id`);
  return out;
}

/** Two apps' subscriptions in the states the previous release stored: its columns, its values. */
async function fillPreviousRelease(sql: Sql): Promise<{ appA: number; appB: number }> {
  const id = async (q: string, params: (string | number | boolean | Date | null)[]) =>
    Number((await sql.one(`${q} returning id`, params))!.id);
  const app = (vkAppId: number) =>
    id(
      'insert into apps (vk_app_id, name, secret_key, api_version, published, votes_payments_enabled, created_at) values (?, ?, ?, ?, ?, ?, ?)',
      [vkAppId, `App ${vkAppId}`, 'sealed', '5.132', true, true, at('2026-01-01T00:00:00Z')],
    );
  const appA = await app(7101);
  const appB = await app(7102);
  const plan = (appId: number, itemId: string, price: number, period: number) =>
    sql.run(
      'insert into subscription_plans (app_id, item_id, title, price, period, active, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
      [appId, itemId, 'Plan', price, period, true, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z')],
    );
  await plan(appA, 'month', 30, 30);
  await plan(appA, 'week', 10, 7);
  await plan(appB, 'month', 30, 30);
  const charge = (appId: number, sub: string, user: number, item: string, price: number, when: string, test = false) =>
    sql.run(
      "insert into transactions (app_id, subscription_id, billing_key, vk_user_id, item_id, title, price, status, test, created_at) values (?, ?, ?, ?, ?, 'Plan', ?, 'chargeable', ?, ?)",
      [appId, sub, String(Date.parse(when) / 1000), user, item, price, test, at(when)],
    );
  const subscription = (
    appId: number,
    sub: string,
    user: number,
    item: string,
    price: number,
    status: string,
    created: string,
    updated: string,
    extra: { reason?: string; pending?: boolean; nextBill?: string; test?: boolean } = {},
  ) =>
    sql.run(
      'insert into subscriptions (app_id, subscription_id, vk_user_id, item_id, price, status, next_bill_time, cancel_reason, pending_cancel, test, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        appId,
        sub,
        user,
        item,
        price,
        status,
        extra.nextBill ? at(extra.nextBill) : null,
        extra.reason ?? null,
        extra.pending ?? false,
        extra.test ?? false,
        at(created),
        at(updated),
      ],
    );
  // A: 1 charged twice, live; 2 charged once, cancelled by the user on 3 Nov, paid to 20 Nov;
  // 3 charged, cancelled for lack of votes on 5 Nov; 4 live, never charged here; a test one.
  await charge(appA, '1', 601, 'month', 30, '2026-10-01T10:00:00Z');
  await charge(appA, '2', 602, 'week', 10, '2026-10-02T10:00:00Z');
  await charge(appA, '3', 603, 'month', 30, '2026-10-03T10:00:00Z');
  await charge(appA, '1', 601, 'month', 30, '2026-10-31T10:00:00Z');
  await charge(appA, '9', 609, 'month', 30, '2026-10-05T10:00:00Z', true);
  await sql.run(
    "insert into transactions (app_id, order_id, vk_user_id, item_id, title, price, status, test, created_at) values (?, '77', 601, 'gems', 'Gems', 5, 'chargeable', ?, ?)",
    [appA, false, at('2026-10-04T10:00:00Z')],
  );
  await subscription(appA, '1', 601, 'month', 30, 'chargeable', '2026-10-01T10:00:00Z', '2026-10-31T10:00:00Z');
  await subscription(appA, '2', 602, 'week', 10, 'cancelled', '2026-10-02T10:00:00Z', '2026-11-03T10:00:00Z', {
    reason: 'user_decision',
    pending: true,
    nextBill: '2026-11-20T00:00:00Z',
  });
  await subscription(appA, '3', 603, 'month', 30, 'cancelled', '2026-10-03T10:00:00Z', '2026-11-05T10:00:00Z', { reason: 'payment_fail' });
  await subscription(appA, '4', 604, 'month', 30, 'active', '2026-10-06T10:00:00Z', '2026-10-06T10:00:00Z');
  await subscription(appA, '9', 609, 'month', 30, 'chargeable', '2026-10-05T10:00:00Z', '2026-10-05T10:00:00Z', { test: true });
  // B: one live subscription, which must stay B's.
  await charge(appB, '1', 701, 'month', 30, '2026-10-01T12:00:00Z');
  await subscription(appB, '1', 701, 'month', 30, 'chargeable', '2026-10-01T12:00:00Z', '2026-10-01T12:00:00Z');
  return { appA, appB };
}

describe.each(DIALECTS)('subscription history after an upgrade on %s', (dialect) => {
  let db: TestDatabase;
  let sql: Sql;
  let orm: Orm;
  let apps: { appA: number; appB: number };
  let rowsBefore: Record<string, Row[]>;

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    await migrateTo(db.database, PREVIOUS_RELEASE);
    sql = openSql(db.database);
    apps = await fillPreviousRelease(sql);
    rowsBefore = await everyRow(sql);
    orm = await openOrm(db.database);
    await migrate(orm); // as the server does at start
    // A new connection, as the upgraded server has: PostgreSQL refuses a `select *` prepared before a column was added.
    await sql.close();
    sql = openSql(db.database);
  });
  afterAll(async () => {
    await orm?.close();
    await sql?.close();
    await db?.drop();
  });

  it('keeps every row of every table exactly as it was', async () => {
    const after = await everyRow(sql);
    expect(Object.keys(after)).toEqual([...Object.keys(rowsBefore), 'subscription_events'].sort());
    // Columns a later migration of this release adds are not this upgrade's business: compare the ones there were.
    const asBefore = (t: string) =>
      after[t]!.map((row, n) => Object.fromEntries(Object.keys(rowsBefore[t]![n] ?? row).map((c) => [c, row[c]])));
    expect(Object.fromEntries(Object.keys(rowsBefore).map((t) => [t, asBefore(t)]))).toEqual(rowsBefore);
  });

  it('reconstructs the history in time order: charges, a never-charged live one, the cancellations at their last update', async () => {
    const rows = await sql.all(
      'select app_id, test, subscription_id, status, cancel_reason, pending_cancel, price, period_days, charge, occurred_at from subscription_events order by id',
    );
    const events = rows.map((r) => [
      Number(r.app_id) === apps.appA ? 'A' : 'B',
      r.test === true || Number(r.test) === 1,
      r.subscription_id,
      r.status,
      r.cancel_reason,
      r.pending_cancel === true || Number(r.pending_cancel) === 1,
      Number(r.price),
      r.period_days === null ? null : Number(r.period_days),
      r.charge === true || Number(r.charge) === 1,
      new Date(typeof r.occurred_at === 'number' ? r.occurred_at : String(r.occurred_at)).toISOString(),
    ]);
    expect(events).toEqual([
      ['A', false, '1', 'chargeable', null, false, 30, 30, true, '2026-10-01T10:00:00.000Z'],
      ['B', false, '1', 'chargeable', null, false, 30, 30, true, '2026-10-01T12:00:00.000Z'],
      ['A', false, '2', 'chargeable', null, false, 10, 7, true, '2026-10-02T10:00:00.000Z'],
      ['A', false, '3', 'chargeable', null, false, 30, 30, true, '2026-10-03T10:00:00.000Z'],
      ['A', true, '9', 'chargeable', null, false, 30, 30, true, '2026-10-05T10:00:00.000Z'],
      ['A', false, '4', 'active', null, false, 30, 30, false, '2026-10-06T10:00:00.000Z'],
      ['A', false, '1', 'chargeable', null, false, 30, 30, true, '2026-10-31T10:00:00.000Z'],
      ['A', false, '2', 'cancelled', 'user_decision', true, 10, 7, false, '2026-11-03T10:00:00.000Z'],
      ['A', false, '3', 'cancelled', 'payment_fail', false, 30, 30, false, '2026-11-05T10:00:00.000Z'],
    ]);
  });

  it('gives subscription stats of the old data: new and renewed from charges, cancellations when last changed', async () => {
    const em = orm.em.fork();
    const months = await subscriptionStats(em, apps.appA, {
      from: at('2026-10-01T00:00:00Z'),
      to: at('2026-12-01T00:00:00Z'),
      granularity: 'MONTH',
      timeZone: 'UTC',
    });
    const figures = months.points.map((p) => [p.active, p.activeSubscribers, p.monthlyRecurringVotes, p.new, p.renewed, p.cancelled]);
    // October: 1, 2, 3, 4 new and live (30 + 42.86 + 30 + 30), 1 renewed. November: 2 (paid to the 20th)
    // and 3 cancelled, leaving 1 and 4. The test subscription counts nowhere.
    expect(figures).toEqual([
      [4, 4, 133, 4, 1, 0],
      [2, 2, 60, 0, 0, 2],
    ]);
    expect(months.points[1]!.cancelReasons).toEqual({ userDecision: 1, appDecision: 0, paymentFail: 1, unknown: 0 });
    expect(months.points[1]!.cancelledPending).toBe(1);
    const b = await subscriptionStats(em, apps.appB, {
      from: at('2026-10-01T00:00:00Z'),
      to: at('2026-11-01T00:00:00Z'),
      granularity: 'MONTH',
      timeZone: 'UTC',
    });
    expect([b.totals.active, b.totals.new, b.totals.monthlyRecurringVotes]).toEqual([1, 1, 30]);
  });
});
