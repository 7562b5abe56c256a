/**
 * Migration MiniAppOrigins on a database the previous release made and filled: every row intact, each app
 * with no mini-app origins (so no browser may call the mini app API until an operator lists some), and a
 * user's subscriptions found through the new (app_id, vk_user_id) index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateTo } from '../../test/db-inspect.js';
import { DIALECTS, freshDatabase, TEST_SECRETS, type TestDatabase } from '../../test/helpers.js';
import { createSqlStore } from '../notifications/sql-store.js';
import { currentKeyColumns } from '../secrets/app-keys.js';
import { migrate, openOrm } from './orm.js';
import { openSql, type Row, type Sql } from './sql.js';

/** The last migration of the release before this one. */
const PREVIOUS_RELEASE = 'Migration20261202031951AppIndexes';
const TABLES = ['apps', 'subscriptions', 'transactions', 'payment_testers'];

async function rows(sql: Sql): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const table of TABLES) out[table] = await sql.all(`select * from ${table} order by id`);
  return out;
}

describe.each(DIALECTS)('mini-app origins after an upgrade on %s', (dialect) => {
  let db: TestDatabase;
  let sql: Sql;
  let before: Record<string, Row[]>;

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    await migrateTo(db.database, PREVIOUS_RELEASE);
    sql = openSql(db.database);
    const now = new Date('2026-12-01T12:00:00Z');
    for (const vkAppId of [7101, 7102]) {
      const key = currentKeyColumns(TEST_SECRETS, vkAppId, `Key-of-${vkAppId}-0123`);
      const app = Number(
        (await sql.one(
          'insert into apps (vk_app_id, name, secret_key, secret_key_hint, api_version, published, votes_payments_enabled, created_at) values (?, ?, ?, ?, ?, ?, ?, ?) returning id',
          [vkAppId, `App ${vkAppId}`, key.sealedSecretKey, key.secretKeyHint, '5.132', true, true, now],
        ))!.id,
      );
      await sql.run('insert into payment_testers (app_id, vk_user_id, added_at, added_by) values (?, ?, ?, ?)', [app, 5, now, 'root']);
      for (let user = 1; user <= 3; user++) {
        await sql.run(
          'insert into transactions (app_id, order_id, vk_user_id, item_id, title, price, status, test, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [app, `${vkAppId}${user}`, user, 'gem', 'Gem', 24, 'chargeable', false, now],
        );
        await sql.run(
          'insert into subscriptions (app_id, subscription_id, vk_user_id, item_id, price, status, pending_cancel, test, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [app, `${user}`, user, 'vip', 30, 'active', false, false, now, now],
        );
      }
    }
    before = await rows(sql);
    // The previous release stops; the new one migrates at start and opens its own connections.
    await sql.close();
    const orm = await openOrm(db.database);
    try {
      await migrate(orm);
    } finally {
      await orm.close();
    }
    sql = openSql(db.database);
  });
  afterAll(async () => {
    await sql?.close();
    await db?.drop();
  });

  it('keeps every row as it was, each app with no mini-app origins', async () => {
    const after = await rows(sql);
    expect(after.apps!.map((r) => r.mini_app_origins)).toEqual([null, null]);
    const { apps, ...others } = after;
    expect(apps!.map(({ mini_app_origins: _, ...r }) => r)).toEqual(before.apps);
    expect(others).toEqual(Object.fromEntries(Object.entries(before).filter(([t]) => t !== 'apps')));
  });

  it('reads an upgraded app with no origins, and the origins an operator stores afterwards', async () => {
    const store = createSqlStore(sql, TEST_SECRETS);
    expect(await store.findApp(7101)).toMatchObject({ vkAppId: 7101, secretKey: 'Key-of-7101-0123', miniAppOrigins: [] });
    await sql.run('update apps set mini_app_origins = ? where vk_app_id = ?', [JSON.stringify(['https://game.example.com']), 7102]);
    expect((await store.findApp(7102))?.miniAppOrigins).toEqual(['https://game.example.com']);
  });
});
