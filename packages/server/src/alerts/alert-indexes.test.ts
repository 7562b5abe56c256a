/**
 * The alerts' index (migration AlertIndexes) on a database the previous migration made and filled, then
 * upgraded: rows intact, one index replaced by the wider one and nothing else touched, no index another
 * repeats, and each count of the alerts statement reading an index that leads with the app, beside a
 * much busier app and a long history of older errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  everyRow,
  fillPreviousRelease,
  indexes,
  indexUsed,
  leads,
  migrateTo,
  migrationBefore,
  type IndexInfo,
} from '../../test/db-inspect.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../../test/helpers.js';
import { openSql, type Row, type Sql } from '../db/sql.js';
import { ALERT_COUNTS } from './alerts.service.js';

/** The migration under test, and the one before it (whatever other migrations land around it). */
const UNDER_TEST = 'Migration20261202091926AlertIndexes';
const PREVIOUS = migrationBefore(UNDER_TEST);

/** Which index each count reads (alerts.service.ts). */
const EXPECTED: Record<string, string> = {
  BAD_SIGNATURES: 'notification_logs_app_received_outcome_idx',
  TEMPORARY_ERRORS: 'notification_logs_app_received_outcome_idx',
  SLOW_ANSWERS: 'notification_logs_app_received_outcome_idx',
  DELIVERIES_FAILED: 'fulfilment_deliveries_app_idx',
  DELIVERIES_FAILING: 'fulfilment_deliveries_app_idx',
  DELIVERIES_PILING_UP: 'fulfilment_deliveries_app_idx',
};

describe.each(DIALECTS)('the alerts index after an upgrade on %s', (dialect) => {
  let db: TestDatabase;
  let sql: Sql;
  let apps: { appA: number; appB: number };
  let rowsBefore: Record<string, Row[]>;
  let indexesBefore: IndexInfo[];

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    await migrateTo(db.database, PREVIOUS);
    sql = openSql(db.database);
    apps = await fillPreviousRelease(sql);
    rowsBefore = await everyRow(sql);
    indexesBefore = await indexes(sql);
    // The upgrade as the server runs it at start, up to this migration (later ones have tests of their own).
    await migrateTo(db.database, UNDER_TEST);
  });
  afterAll(async () => {
    await sql?.close();
    await db?.drop();
  });

  it('keeps every row of every table exactly as it was', async () => {
    expect(await everyRow(sql)).toEqual(rowsBefore);
  });

  it('replaces the (app, received) index with the one that carries error code and duration, and touches no other', async () => {
    const before = indexesBefore.map((i) => i.name);
    const after = await indexes(sql);
    expect(before.filter((n) => !after.some((i) => i.name === n))).toEqual(['notification_logs_app_received_idx']);
    expect(after.filter((i) => !before.includes(i.name)).map((i) => [i.name, i.columns])).toEqual([
      ['notification_logs_app_received_outcome_idx', ['app_id', 'received_at', 'error_code', 'duration_ms']],
    ]);
    const redundant = after.filter(
      (i) => !i.unique && after.some((o) => o !== i && o.table === i.table && o.columns.length >= i.columns.length && leads(o, i.columns)),
    );
    expect(redundant.map((i) => i.name)).toEqual([]);
  });

  it('counts each alert through an index that leads with the app, beside a busier app and older errors', async () => {
    // A month of history, a row every 130 s for each app (a log keeps 90 days, so the last hour is a
    // sliver of it): app B's are mostly successes, app A's all errors 10 and 2, slow ones included.
    // Each count must read only the hour (or the app's deliveries), never walk the rest.
    const now = Date.now();
    const s =
      dialect === 'sqlite'
        ? {
            with: 'with recursive seq(x) as (select 1 union all select x + 1 from seq where x < 20000) ',
            from: 'seq',
            ago: '? - x * 130000',
          }
        : { with: '', from: 'generate_series(1, 20000) as x', ago: "?::timestamptz - x * interval '130 seconds'" };
    const at = (d: Date) => (dialect === 'sqlite' ? d.getTime() : d);
    const log = (appId: number, vkAppId: number, errorCode: string, duration: string) =>
      sql.run(
        `${s.with}insert into notification_logs (app_id, vk_app_id, received_at, test, request, response, error_code, duration_ms) select ?, ${vkAppId}, ${s.ago}, false, '{}', '{}', ${errorCode}, ${duration} from ${s.from}`,
        [appId, at(new Date(now))],
      );
    await log(apps.appB, 7002, 'case when x % 50 = 0 then 10 else null end', 'x % 40');
    await log(apps.appA, 7001, 'case when x % 2 = 0 then 10 else 2 end', '1500');
    await sql.run(
      `${s.with}insert into fulfilment_deliveries (app_id, event_id, event_type, payload, status, attempts, created_at) select ?, 'b' || x, 'order.paid', '{}', case when x % 2 = 0 then 'failed' else 'delivered' end, 1, ${s.ago} from ${s.from}`,
      [apps.appB, at(new Date(now))],
    );
    await sql.run('analyze');
    const since = new Date(now - 3_600_000);
    for (const count of ALERT_COUNTS) {
      const params = count.params({ appId: apps.appA, since, piledBefore: new Date(now - 900_000) });
      let i = 0;
      // Values written into the statement, as the plan of the bound one would be asked for.
      const statement = `select 1 from ${count.table} where ${count.where}`.replace(/\?/g, () => {
        const v = params[i++]!;
        return v instanceof Date ? (dialect === 'sqlite' ? String(v.getTime()) : `'${v.toISOString()}'`) : String(v);
      });
      expect([count.code, await indexUsed(sql, statement, count.table)]).toEqual([count.code, EXPECTED[count.code]]);
    }
  });
});
