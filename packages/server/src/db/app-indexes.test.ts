/**
 * The indexes by app (migration AppIndexes), checked where it matters: on a database the previous release
 * made and filled with rows, then upgraded. Rows intact; the redundant single-column indexes gone; every
 * foreign key still leading an index, so the lookups and cascades by app search one; and an app's lists,
 * newest first, read in index order beside a much larger app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase, type TestDatabase } from '../../test/helpers.js';
import type { Database } from '../config.js';
import { openSql, type Row, type Sql } from './sql.js';
import { everyRow, fillPreviousRelease, foreignKeys, indexes, indexUsed, leads, migrateTo, type IndexInfo } from '../../test/db-inspect.js';

/** The last migration of the release before this one. */
const PREVIOUS_RELEASE = 'Migration20261202012954UnverifiedRetentionIndex';
/** The migration under test: later ones add indexes of their own (their own tests cover them). */
const UNDER_TEST = 'Migration20261202031951AppIndexes';

/** SQLite's single-column FK indexes that an index leading with the same column made redundant. */
const DROPPED_ON_SQLITE = [
  'audit_events_app_id_index',
  'catalog_items_app_id_index',
  'fulfilment_attempts_delivery_id_index',
  'fulfilment_deliveries_app_id_index',
  'fulfilment_endpoints_app_id_index',
  'moderation_requests_app_id_index',
  'notification_logs_app_id_index',
  'payment_testers_app_id_index',
  'subscription_plans_app_id_index',
  'subscriptions_app_id_index',
  'transactions_app_id_index',
];
/** The FK indexes PostgreSQL lacked: no other index leads with these columns. */
const FK_ADDED_ON_POSTGRESQL = ['api_keys_app_id_index', 'widget_sessions_api_key_id_index', 'widget_sessions_app_id_index'];
/** The tables listed per app newest first (graphql/connection.ts), and their (app_id, id) index, on both stores. */
const LISTED = ['audit_events', 'fulfilment_deliveries', 'notification_logs', 'subscriptions', 'transactions'];
const NEWEST = LISTED.map((t) => `${t}_app_newest_idx`);

describe.each(DIALECTS)('indexes by app after an upgrade on %s', (dialect) => {
  let db: TestDatabase;
  let database: Database;
  let sql: Sql;
  let apps: { appA: number; appB: number };
  let rowsBefore: Record<string, Row[]>;
  let indexesBefore: IndexInfo[];

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    database = db.database;
    await migrateTo(database, PREVIOUS_RELEASE);
    sql = openSql(database);
    apps = await fillPreviousRelease(sql);
    rowsBefore = await everyRow(sql);
    indexesBefore = await indexes(sql);
    // The upgrade as the server runs it at start, up to this migration.
    await migrateTo(database, UNDER_TEST);
    // Statistics, as autovacuum gathers them after writes: without any the planner guesses selectivities.
    if (dialect === 'postgresql') await sql.run('analyze');
  });
  afterAll(async () => {
    await sql?.close();
    await db?.drop();
  });

  it('keeps every row of every table exactly as it was', async () => {
    expect(Object.values(rowsBefore).every((rows) => rows.length > 0)).toBe(true);
    // Only the tables this release had: a table a later migration adds is that migration's to check.
    const after = await everyRow(sql);
    expect(Object.fromEntries(Object.keys(rowsBefore).map((t) => [t, after[t]]))).toEqual(rowsBefore);
  });

  it('drops the redundant single-column indexes and adds the missing ones, touching no other index', async () => {
    const before = indexesBefore.map((i) => i.name);
    const after = (await indexes(sql)).filter((i) => i.table in rowsBefore).map((i) => i.name);
    expect(before.filter((n) => !after.includes(n)).sort()).toEqual(dialect === 'sqlite' ? DROPPED_ON_SQLITE : []);
    expect(after.filter((n) => !before.includes(n)).sort()).toEqual(
      (dialect === 'postgresql' ? [...FK_ADDED_ON_POSTGRESQL, ...NEWEST] : NEWEST).sort(),
    );
  });

  it('leaves every foreign key an index that leads with its columns, and no index that another one repeats', async () => {
    const all = await indexes(sql);
    const uncovered = (await foreignKeys(sql)).filter((fk) => !all.some((i) => i.table === fk.table && leads(i, fk.columns)));
    expect(uncovered).toEqual([]);
    // A non-unique index whose columns another index of its table starts with only costs writes.
    const redundant = all.filter(
      (i) => !i.unique && all.some((o) => o !== i && o.table === i.table && o.columns.length >= i.columns.length && leads(o, i.columns)),
    );
    expect(redundant.map((i) => i.name)).toEqual([]);
  });

  it("answers the endpoint's lookups by app through the composite and unique indexes", async () => {
    const a = apps.appA;
    const lookups: [table: string, statement: string, index: string][] = [
      [
        'apps',
        'select apps.id, enabled from apps left join fulfilment_endpoints on app_id = apps.id where vk_app_id = 7001',
        'apps_vk_app_id_unique',
      ],
      [
        'fulfilment_endpoints',
        'select apps.id, enabled from apps left join fulfilment_endpoints on app_id = apps.id where vk_app_id = 7001',
        'fulfilment_endpoints_app_id_unique',
      ],
      [
        'payment_testers',
        `select 1 from payment_testers where app_id = ${a} and vk_user_id = 100`,
        'payment_testers_app_id_vk_user_id_unique',
      ],
      [
        'catalog_items',
        `select price from catalog_items where app_id = ${a} and item_id = 'item_0'`,
        'catalog_items_app_id_item_id_unique',
      ],
      [
        'subscription_plans',
        `select price from subscription_plans where app_id = ${a} and item_id = 'plan_0'`,
        'subscription_plans_app_id_item_id_unique',
      ],
      [
        'transactions',
        `select id from transactions where app_id = ${a} and test = ${dialect === 'sqlite' ? 0 : false} and order_id = '900'`,
        'transactions_order_unique',
      ],
      [
        'subscriptions',
        `select id from subscriptions where app_id = ${a} and test = ${dialect === 'sqlite' ? 0 : false} and subscription_id = '0'`,
        'subscriptions_app_id_test_subscription_id_unique',
      ],
      ['fulfilment_attempts', `select id from fulfilment_attempts where delivery_id = 1 order by id`, 'fulfilment_attempts_delivery_idx'],
    ];
    for (const [table, statement, index] of lookups) expect([table, await indexUsed(sql, statement, table)]).toEqual([table, index]);
  });

  it("reads an app's lists newest first in index order, beside another app with many more, newer rows", async () => {
    // App B gets 20,000 newer rows in each listed table: walking the table backwards from its newest
    // row, or sorting by id, would now cost what a long-lived install pays on every first page.
    const at = new Date('2026-12-01T00:00:00Z');
    const bulk = async (table: string, columns: string, select: string, params: (number | Date)[] = [apps.appB, at]): Promise<void> => {
      const rows = dialect === 'sqlite' ? 'with recursive seq(x) as (select 1 union all select x + 1 from seq where x < 20000) ' : '';
      const from = dialect === 'sqlite' ? 'seq' : 'generate_series(1, 20000) as x';
      await sql.run(`${rows}insert into ${table} (${columns}) select ${select} from ${from}`, params);
    };
    await bulk(
      'transactions',
      'app_id, order_id, vk_user_id, item_id, title, price, status, test, created_at',
      "?, 'b' || x, x, 'item', 'Item', 10, 'chargeable', x % 2 = 0, ?",
    );
    await bulk(
      'subscriptions',
      'app_id, subscription_id, vk_user_id, item_id, price, status, pending_cancel, test, created_at, updated_at',
      "?, 'b' || x, x, 'plan', 30, 'active', x < 0, x % 2 = 0, ?, ?",
      [apps.appB, at, at],
    );
    await bulk('audit_events', 'app_id, action, actor, created_at', "?, 'catalog.upsert', 'root', ?");
    await bulk(
      'notification_logs',
      'app_id, vk_app_id, received_at, test, request, response, duration_ms',
      "?, 7002, ?, x % 2 = 0, '{}', '{}', 1.5",
    );
    await bulk(
      'fulfilment_deliveries',
      'app_id, event_id, event_type, payload, status, attempts, created_at',
      "?, 'b' || x, 'order.paid', '{}', 'pending', 0, ?",
    );
    await sql.run('analyze');
    for (const table of LISTED) {
      expect([table, await indexUsed(sql, `select id from ${table} where app_id = ${apps.appA} order by id desc limit 21`, table)]).toEqual(
        [table, `${table}_app_newest_idx`],
      );
    }
  });

  it("finds an app's rows in every table through an index when the app is deleted, and the cascade removes only them", async () => {
    // What the cascade of `delete from apps` runs in each child table: the same search by the FK column.
    for (const fk of await foreignKeys(sql)) {
      const where = fk.columns.map((c) => `${c} = 1`).join(' and ');
      const index = await indexUsed(sql, `delete from ${fk.table} where ${where}`, fk.table);
      const served = (await indexes(sql)).find((i) => i.name === index);
      expect([fk.table, served && leads(served, fk.columns)]).toEqual([fk.table, true]);
    }
    const countOf = async (table: string, appId: number) =>
      Number((await sql.one(`select count(*) as n from ${table} where app_id = ?`, [appId]))!.n);
    const childTables = (await foreignKeys(sql)).filter((fk) => fk.columns[0] === 'app_id').map((fk) => fk.table);
    const keptOfB = Object.fromEntries(await Promise.all(childTables.map(async (t) => [t, await countOf(t, apps.appB)] as const)));
    expect(await sql.run('delete from apps where id = ?', [apps.appA])).toBe(1);
    for (const table of childTables)
      expect([table, await countOf(table, apps.appA), await countOf(table, apps.appB)]).toEqual([table, 0, keptOfB[table]]);
    expect(Number((await sql.one('select count(*) as n from fulfilment_attempts'))!.n)).toBe(2);
    expect(Number((await sql.one('select count(*) as n from notification_logs where app_id is null'))!.n)).toBe(1);
  });
});
