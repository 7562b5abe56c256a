/**
 * Migration CustomerIndexes on a database the previous release made and filled: every row kept, each
 * delivery's new `vk_user_id` read from its payload where that holds a plain user id (null otherwise,
 * never a failed upgrade), and one user's subscriptions and deliveries found through the new indexes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase, type TestDatabase } from '../../test/helpers.js';
import { indexUsed, migrateTo } from '../../test/db-inspect.js';
import { migrate, openOrm } from './orm.js';
import { openSql, type Row, type Sql } from './sql.js';

/** The last migration of the release before this one. */
const PREVIOUS_RELEASE = 'Migration20261202031951AppIndexes';

/** Payloads as the previous release's outbox wrote them, and odd ones a hand or a bug could have left. */
const PAYLOADS: [payload: string, vkUserId: number | null][] = [
  ['{"type":"order.paid","timestamp":"2026-11-30T12:00:00.000Z","data":{"vkAppId":7001,"appOrderId":1,"vkUserId":100200300}}', 100200300],
  ['{"type":"subscription.changed","data":{"vkUserId":5,"status":"cancelled"}}', 5],
  ['{"order":1}', null],
  ['{"type":"order.paid","data":{"vkUserId":"100"}}', null],
  ['{"type":"order.paid","data":{"vkUserId":1.5}}', null],
  ['{"type":"order.paid","data":{"vkUserId":1e20}}', null],
  ['{"type":"order.paid","data":null}', null],
];

describe.each(DIALECTS)('the customer indexes after an upgrade on %s', (dialect) => {
  let db: TestDatabase;
  let sql: Sql;
  let appId: number;
  let before: Record<string, Row[]>;

  const rowsOf = async (table: string): Promise<Row[]> => sql.all(`select * from ${table} order by id`);

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    await migrateTo(db.database, PREVIOUS_RELEASE);
    sql = openSql(db.database);
    const now = new Date('2026-11-30T12:00:00Z');
    appId = Number(
      (await sql.one(
        'insert into apps (vk_app_id, name, secret_key, api_version, published, votes_payments_enabled, created_at) values (?, ?, ?, ?, ?, ?, ?) returning id',
        [7001, 'App', 'sealed', '5.132', true, true, now],
      ))!.id,
    );
    for (const [payload] of PAYLOADS) {
      await sql.run(
        "insert into fulfilment_deliveries (app_id, event_id, event_type, payload, status, attempts, created_at) values (?, ?, 'order.paid', ?, 'failed', 3, ?)",
        [appId, `evt-${payload.length}-${Math.random()}`, payload, now],
      );
    }
    for (const user of [5, 6, 5]) {
      await sql.run(
        'insert into subscriptions (app_id, subscription_id, vk_user_id, item_id, price, status, pending_cancel, test, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [appId, `s${Math.random()}`, user, 'vip', 30, 'active', false, false, now, now],
      );
    }
    before = { fulfilment_deliveries: await rowsOf('fulfilment_deliveries'), subscriptions: await rowsOf('subscriptions') };
    const orm = await openOrm(db.database);
    try {
      await migrate(orm);
    } finally {
      await orm.close();
    }
    // A fresh connection: PostgreSQL refuses a statement prepared before a table's columns changed.
    await sql.close();
    sql = openSql(db.database);
    if (dialect === 'postgresql') await sql.run('analyze');
  });
  afterAll(async () => {
    await sql?.close();
    await db?.drop();
  });

  it('keeps every delivery and subscription as it was, beside the new column', async () => {
    expect(await rowsOf('subscriptions')).toEqual(before.subscriptions);
    const after = await rowsOf('fulfilment_deliveries');
    expect(after.map(({ vk_user_id: _, ...rest }) => rest)).toEqual(before.fulfilment_deliveries);
  });

  it("fills each delivery's user from its payload, and leaves null what is not a plain user id", async () => {
    const after = await rowsOf('fulfilment_deliveries');
    expect(after.map((r) => (r.vk_user_id === null ? null : Number(r.vk_user_id)))).toEqual(PAYLOADS.map(([, user]) => user));
  });

  it("finds one user's subscriptions and deliveries through an (app_id, vk_user_id, id) index, newest first", async () => {
    // Beside other users' rows, as an app has them: on a handful of rows PostgreSQL's planner may as well
    // read the app's newest-first index and filter, and picks either.
    const bulk =
      "insert into fulfilment_deliveries (app_id, event_id, event_type, payload, status, attempts, created_at, vk_user_id) select ?, 'bulk-' || g, 'order.paid', '{}', 'delivered', 1, ?, 1000 + g from generate_series(1, 2000) g";
    if (dialect === 'postgresql') {
      await sql.run(bulk, [appId, new Date('2026-11-30T12:00:00Z')]);
      await sql.run('analyze');
    }
    try {
      for (const table of ['subscriptions', 'fulfilment_deliveries']) {
        const statement = `select id from ${table} where app_id = ${appId} and vk_user_id = 5 order by id desc limit 21`;
        expect([table, await indexUsed(sql, statement, table)]).toEqual([table, `${table}_app_user_idx`]);
      }
    } finally {
      if (dialect === 'postgresql') await sql.run("delete from fulfilment_deliveries where event_id like 'bulk-%'");
    }
  });
});
