/**
 * The indexes by app (migration AppIndexes), checked where it matters: on a database the previous release
 * made and filled with rows, then upgraded. Rows intact; the redundant single-column indexes gone; every
 * foreign key still leading an index, so the lookups and cascades by app search one; and an app's lists,
 * newest first, read in index order beside a much larger app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase, type TestDatabase } from '../../test/helpers.js';
import type { Database } from '../config.js';
import { indexUsed } from '../../test/query-plan.js';
import { openOrm } from './orm.js';
import { openSql, type Row, type Sql } from './sql.js';

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

interface IndexInfo {
  table: string;
  name: string;
  columns: string[];
  unique: boolean;
}
interface ForeignKey {
  table: string;
  columns: string[];
}

const PG_COLUMNS = (rel: string, keys: string) =>
  `array(select a.attname::text from unnest(${keys}) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = ${rel} and a.attnum = k.attnum order by k.n)`;

async function tables(sql: Sql): Promise<string[]> {
  const rows =
    sql.dialect === 'sqlite'
      ? await sql.all(
          "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> 'mikro_orm_migrations' order by name",
        )
      : await sql.all(
          "select tablename as name from pg_tables where schemaname = current_schema() and tablename <> 'mikro_orm_migrations' order by tablename",
        );
  return rows.map((r) => String(r.name));
}

/** Every index (primary keys included on PostgreSQL; SQLite's rowid key is the table itself). */
async function indexes(sql: Sql): Promise<IndexInfo[]> {
  if (sql.dialect === 'postgresql') {
    const rows =
      await sql.all(`select t.relname as "table", i.relname as name, x.indisunique as "unique", ${PG_COLUMNS('t.oid', 'x.indkey')} as columns
      from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace s on s.oid = t.relnamespace
      where s.nspname = current_schema() and t.relname <> 'mikro_orm_migrations'`);
    return rows.map((r) => ({ table: String(r.table), name: String(r.name), unique: r.unique === true, columns: r.columns as string[] }));
  }
  const out: IndexInfo[] = [];
  for (const table of await tables(sql)) {
    for (const idx of await sql.all('select name, "unique" from pragma_index_list(?)', [table])) {
      const columns = (await sql.all('select name from pragma_index_info(?) order by seqno', [String(idx.name)])).map((c) =>
        String(c.name),
      );
      out.push({ table, name: String(idx.name), unique: Number(idx.unique) === 1, columns });
    }
  }
  return out;
}

async function foreignKeys(sql: Sql): Promise<ForeignKey[]> {
  if (sql.dialect === 'postgresql') {
    const rows = await sql.all(`select t.relname as "table", ${PG_COLUMNS('c.conrelid', 'c.conkey')} as columns
      from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace s on s.oid = t.relnamespace
      where c.contype = 'f' and s.nspname = current_schema()`);
    return rows.map((r) => ({ table: String(r.table), columns: r.columns as string[] }));
  }
  const out: ForeignKey[] = [];
  for (const table of await tables(sql)) {
    const byId = new Map<number, string[]>();
    for (const fk of await sql.all('select id, "from" from pragma_foreign_key_list(?) order by id, seq', [table])) {
      byId.set(Number(fk.id), [...(byId.get(Number(fk.id)) ?? []), String(fk.from)]);
    }
    for (const columns of byId.values()) out.push({ table, columns });
  }
  return out;
}

const leads = (index: IndexInfo, columns: string[]): boolean => columns.every((c, i) => index.columns[i] === c);

/** Every row of every table, in id order: what an upgrade must leave exactly as it was. */
async function everyRow(sql: Sql): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const table of await tables(sql)) {
    out[table] = await sql.all(`select * from ${table} order by id`);
  }
  return out;
}

/** Two apps with rows in every table that refers to one, written with the previous release's columns. */
async function fillPreviousRelease(sql: Sql): Promise<{ appA: number; appB: number }> {
  const now = new Date('2026-11-30T12:00:00Z');
  const id = async (q: string, params: (string | number | boolean | Date | null)[]) =>
    Number((await sql.one(`${q} returning id`, params))!.id);
  const app = (vkAppId: number) =>
    id(
      'insert into apps (vk_app_id, name, secret_key, api_version, published, votes_payments_enabled, created_at) values (?, ?, ?, ?, ?, ?, ?)',
      [vkAppId, `App ${vkAppId}`, 'sealed', '5.132', true, true, now],
    );
  const appA = await app(7001);
  const appB = await app(7002);
  for (const [appId, n] of [
    [appA, 3],
    [appB, 2],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const key = await id('insert into api_keys (app_id, role, label, token_hash, created_at) values (?, ?, ?, ?, ?)', [
        appId,
        'PAYMENTS',
        `key ${i}`,
        `hash-${appId}-${i}`,
        now,
      ]);
      await sql.run(
        'insert into widget_sessions (app_id, api_key_id, role, token_hash, created_at, expires_at) values (?, ?, ?, ?, ?, ?)',
        [appId, key, 'PAYMENTS', `session-${appId}-${i}`, now, now],
      );
      await sql.run(
        'insert into catalog_items (app_id, item_id, title, price, active, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)',
        [appId, `item_${i}`, 'Item', 10 + i, true, now, now],
      );
      await sql.run(
        'insert into subscription_plans (app_id, item_id, title, price, period, active, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
        [appId, `plan_${i}`, 'Plan', 30, 30, true, now, now],
      );
      await sql.run('insert into payment_testers (app_id, vk_user_id, added_at, added_by) values (?, ?, ?, ?)', [
        appId,
        100 + i,
        now,
        'root',
      ]);
      await sql.run(
        'insert into moderation_requests (app_id, platforms, app_description, paid_features, status, submitted_by, submitted_at) values (?, ?, ?, ?, ?, ?, ?)',
        [appId, '["web"]', 'A game', 'Gems', 'PENDING', 'root', now],
      );
      await sql.run('insert into audit_events (app_id, action, actor, created_at) values (?, ?, ?, ?)', [
        appId,
        'catalog.upsert',
        'root',
        now,
      ]);
      await sql.run(
        'insert into transactions (app_id, order_id, vk_user_id, item_id, title, price, status, test, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [appId, `${900 + i}`, 100 + i, `item_${i}`, 'Item', 10 + i, 'chargeable', false, now],
      );
      await sql.run(
        'insert into subscriptions (app_id, subscription_id, vk_user_id, item_id, price, status, pending_cancel, test, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [appId, `${i}`, 100 + i, `plan_${i}`, 30, 'active', false, false, now, now],
      );
      await sql.run(
        'insert into notification_logs (app_id, vk_app_id, received_at, notification_type, test, request, response, error_code, duration_ms) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [appId, 7000, now, 'order_status_change', false, '{"order_id":"1"}', '{"response":{}}', i === 0 ? 11 : null, 1.5],
      );
      const delivery = await id(
        "insert into fulfilment_deliveries (app_id, event_id, event_type, payload, status, attempts, created_at) values (?, ?, ?, ?, 'pending', 1, ?)",
        [appId, `evt-${appId}-${i}`, 'order.paid', '{"order":1}', now],
      );
      await sql.run('insert into fulfilment_attempts (delivery_id, attempted_at, http_status, duration_ms) values (?, ?, ?, ?)', [
        delivery,
        now,
        500,
        12.5,
      ]);
    }
    await sql.run(
      'insert into fulfilment_endpoints (app_id, url, signing_secret, enabled, sync_mode, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)',
      [appId, 'https://game.example/hook', 'sealed', true, false, now, now],
    );
  }
  // A log row of an unknown app: no app_id, kept by any delete of an app.
  await sql.run(
    'insert into notification_logs (app_id, vk_app_id, received_at, test, request, response, error_code, duration_ms) values (null, 1, ?, ?, ?, ?, 10, 0.5)',
    [now, false, '{}', '{"error":{}}'],
  );
  return { appA, appB };
}

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
    const previous = await openOrm(database);
    try {
      await previous.getMigrator().up({ to: PREVIOUS_RELEASE });
    } finally {
      await previous.close();
    }
    sql = openSql(database);
    apps = await fillPreviousRelease(sql);
    rowsBefore = await everyRow(sql);
    indexesBefore = await indexes(sql);
    // The upgrade as the server runs it at start, up to this migration.
    const orm = await openOrm(database);
    try {
      await orm.getMigrator().up({ to: UNDER_TEST });
    } finally {
      await orm.close();
    }
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
