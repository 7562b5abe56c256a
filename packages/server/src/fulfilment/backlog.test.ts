/**
 * The backlog gauges on a database the previous migration made and filled, then upgraded (migration
 * PendingAgeIndex): rows intact, one index added; the oldest event is found however many wait; and
 * /metrics scraped back to back, or while the database hangs, costs the database one read per gauge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyRow, fillPreviousRelease, indexes, indexUsed, migrateTo, migrationBefore, type IndexInfo } from '../../test/db-inspect.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../../test/helpers.js';
import { openSql, type Row, type Sql } from '../db/sql.js';
import { createMetrics } from '../observability/metrics.js';
import { BACKLOG_COUNTED, OLDEST_PENDING } from './backlog.js';

/** The migration under test, and the one before it (whatever other migrations land around it). */
const UNDER_TEST = 'Migration20261202110034PendingAgeIndex';
const PREVIOUS = migrationBefore(UNDER_TEST);
/** The oldest event's age: older than anything the previous release's rows hold. */
const OLDEST_S = 10 * 86_400;

/** The value of an unlabelled gauge in a scrape. */
function gauge(text: string, name: string): number {
  const line = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  expect(line, `${name} is not exported`).not.toBeNull();
  return Number(line![1]);
}

/** A metrics registry reading the state gauges through `sql`; `answers` counts the readiness checks. */
function watched(sql: Pick<Sql, 'one'>, databaseAnswers: () => Promise<boolean> = () => Promise.resolve(true)) {
  const metrics = createMetrics(() => undefined);
  metrics.watchState({ draining: () => false, databaseAnswers, sql });
  return () => metrics.registry.metrics();
}

describe.each(DIALECTS)('the fulfilment backlog gauges on %s', (dialect) => {
  let db: TestDatabase;
  let sql: Sql;
  let rowsBefore: Record<string, Row[]>;
  let indexesBefore: IndexInfo[];

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    await migrateTo(db.database, PREVIOUS);
    sql = openSql(db.database);
    const { appA } = await fillPreviousRelease(sql);
    rowsBefore = await everyRow(sql);
    indexesBefore = await indexes(sql);
    await migrateTo(db.database, UNDER_TEST);
    // More than BACKLOG_COUNTED events queued a minute ago and due soon, in one statement; then the oldest,
    // queued ten days ago and due last: a read of the first BACKLOG_COUNTED rows by due time never meets it.
    const ago = (s: number) => (dialect === 'sqlite' ? String(Date.now() - s * 1000) : `now() - interval '${s} seconds'`);
    await sql.run(
      `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${BACKLOG_COUNTED + 1})
       insert into fulfilment_deliveries (app_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at)
       select ${appA}, 'bulk-' || i, 'order_paid', '{}', 'pending', 0, ${ago(3600)}, ${ago(60)} from n`,
    );
    await sql.run(
      `insert into fulfilment_deliveries (app_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at)
       values (${appA}, 'oldest', 'order_paid', '{}', 'pending', 0, ${ago(-86_400)}, ${ago(OLDEST_S)})`,
    );
  });
  afterAll(async () => {
    await sql?.close();
    await db?.drop();
  });

  it('keeps every row of the previous release and adds only the (status, created_at) index', async () => {
    const after = await indexes(sql);
    expect(after.filter((i) => !indexesBefore.some((b) => b.name === i.name)).map((i) => [i.name, i.columns])).toEqual([
      ['fulfilment_deliveries_pending_age_idx', ['status', 'created_at']],
    ]);
    const rows = await everyRow(sql);
    for (const [table, before] of Object.entries(rowsBefore)) {
      const kept =
        table === 'fulfilment_deliveries' ? rows[table]!.filter((r) => !/^(bulk-|oldest)/.test(String(r.event_id))) : rows[table];
      expect([table, kept]).toEqual([table, before]);
    }
    expect(await indexUsed(sql, OLDEST_PENDING, 'fulfilment_deliveries')).toBe('fulfilment_deliveries_pending_age_idx');
  });

  it('reports the age of the oldest pending event when more than 10,000 wait, and the count capped at 10,000', async () => {
    const text = await watched(sql)();
    expect(gauge(text, 'vkp_fulfilment_pending_deliveries')).toBe(BACKLOG_COUNTED);
    const age = gauge(text, 'vkp_fulfilment_oldest_pending_seconds');
    expect(age).toBeGreaterThanOrEqual(OLDEST_S - 5);
    expect(age).toBeLessThan(OLDEST_S + 120);
  });

  it('reads the database once per gauge for 50 scrapes back to back', async () => {
    const statements: string[] = [];
    let checks = 0;
    const scrape = watched(
      { one: (statement, params) => (statements.push(statement), sql.one(statement, params)) },
      () => (checks++, Promise.resolve(true)),
    );
    for (let i = 0; i < 50; i++) expect(gauge(await scrape(), 'vkp_ready')).toBe(1);
    expect([statements.length, checks]).toEqual([2, 1]);
  });
});

describe('the state gauges while the database hangs', () => {
  it('answer each scrape within the scrape check, and do not add a stuck query per scrape', async () => {
    let started = 0;
    let checks = 0;
    const never = new Promise<never>(() => {});
    const scrape = watched({ one: () => (started++, never) }, () => (checks++, never));
    for (let i = 0; i < 2; i++) {
      const at = performance.now();
      expect(gauge(await scrape(), 'vkp_ready')).toBe(0);
      expect(performance.now() - at).toBeLessThan(3_000);
    }
    expect([started, checks]).toEqual([2, 1]);
  }, 15_000);
});
