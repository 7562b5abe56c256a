/**
 * Looking into a migrated database, for the tests of index migrations (src/db/app-indexes.test.ts,
 * src/alerts/alert-indexes.test.ts): its tables, indexes and foreign keys on either store, every row, the
 * index a statement's plan reads, and rows written as the releases before the alerts' index wrote them.
 */
import type { Database } from '../src/config.js';
import { SQLITE_MIGRATIONS } from '../src/db/migrations/index.js';
import { openOrm } from '../src/db/orm.js';
import { all, run, type Row, type Sql } from '../src/db/sql.js';

/** The migration just before `name`: the database a release made before the one that brings `name`. */
export function migrationBefore(name: string): string {
  const at = SQLITE_MIGRATIONS.findIndex((m) => m.name === name);
  if (at < 1) throw new Error(`no migration before ${name}`);
  return SQLITE_MIGRATIONS[at - 1]!.name;
}

/** Runs the migrations up to `to` (inclusive) on `database`, with an ORM of its own, closed after. */
export async function migrateTo(database: Database, to: string): Promise<void> {
  const orm = await openOrm(database);
  try {
    await orm.getMigrator().up({ to });
  } finally {
    await orm.close();
  }
}

export interface IndexInfo {
  table: string;
  name: string;
  columns: string[];
  unique: boolean;
}
export interface ForeignKey {
  table: string;
  columns: string[];
}

const PG_COLUMNS = (rel: string, keys: string) =>
  `array(select a.attname::text from unnest(${keys}) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = ${rel} and a.attnum = k.attnum order by k.n)`;

export async function tables(sql: Sql): Promise<string[]> {
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
export async function indexes(sql: Sql): Promise<IndexInfo[]> {
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

export async function foreignKeys(sql: Sql): Promise<ForeignKey[]> {
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

export const leads = (index: IndexInfo, columns: string[]): boolean => columns.every((c, i) => index.columns[i] === c);

/** Every row of every table, in id order: what an upgrade must leave exactly as it was. */
export async function everyRow(sql: Sql): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const table of await tables(sql)) out[table] = await sql.all(`select * from ${table} order by id`);
  return out;
}

/** Two apps with rows in every table that refers to one, written with the previous release's columns. */
export async function fillPreviousRelease(sql: Sql): Promise<{ appA: number; appB: number }> {
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

/**
 * Which index a statement (not run) reads `table` through, from the plan; null when it reads the whole
 * table. On PostgreSQL these tables hold a few rows and the planner would rightly read them whole: with
 * sequential scans priced out it takes an index whenever one can serve the statement, which is what is
 * asked here; a sequential scan left in the plan means none can.
 */
export async function indexUsed(sql: Sql, statement: string, table: string): Promise<string | null> {
  if (sql.dialect === 'sqlite') {
    const lines = (await sql.all(`explain query plan ${statement}`)).map((r) => String(r.detail));
    const line = lines.find((l) => new RegExp(`^(SEARCH|SCAN) ${table}\\b`).test(l));
    if (!line) throw new Error(`no step reads ${table}: ${lines.join(' | ')}`);
    return /^SEARCH \S+ USING (?:COVERING )?INDEX (\S+)/.exec(line)?.[1] ?? null;
  }
  const rows = await sql.transaction(function* () {
    yield run('set local enable_seqscan = off');
    return (yield all(`explain (format json) ${statement}`)) as Row[];
  });
  type Node = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: Node[] };
  const nodes: Node[] = [];
  const walk = (node: Node): void => {
    nodes.push(node);
    node.Plans?.forEach(walk);
  };
  walk((rows[0]!['QUERY PLAN'] as { Plan: Node }[])[0]!.Plan);
  const scan = nodes.find((n) => n['Relation Name'] === table && n['Node Type'] !== 'ModifyTable');
  if (!scan) throw new Error(`no step reads ${table}: ${JSON.stringify(rows[0])}`);
  if (scan['Node Type'] === 'Bitmap Heap Scan')
    return scan.Plans?.find((p) => p['Node Type'] === 'Bitmap Index Scan')?.['Index Name'] ?? null;
  return scan['Index Name'] ?? null;
}
