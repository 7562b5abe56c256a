/**
 * The previous-secret columns (migration FulfilmentSecretOverlap) on a database the previous migration
 * made and filled, then upgraded: every row intact, and every endpoint without a previous secret (so its
 * deliveries go on carrying the one signature they had).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyRow, fillPreviousRelease, migrateTo, migrationBefore } from '../../test/db-inspect.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../../test/helpers.js';
import { openSql, type Row, type Sql } from '../db/sql.js';

/** The migration under test, and the one before it (whatever other migrations land around it). */
const UNDER_TEST = 'Migration20261202103507FulfilmentSecretOverlap';
const PREVIOUS = migrationBefore(UNDER_TEST);
const NEW_COLUMNS = ['previous_signing_secret', 'previous_signing_secret_hint', 'previous_secret_expires_at'];

const without = (row: Row, columns: string[]): Row => Object.fromEntries(Object.entries(row).filter(([k]) => !columns.includes(k)));

describe.each(DIALECTS)('the fulfilment previous-secret columns after an upgrade on %s', (dialect) => {
  let db: TestDatabase;
  let sql: Sql;
  let rowsBefore: Record<string, Row[]>;

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    await migrateTo(db.database, PREVIOUS);
    sql = openSql(db.database);
    await fillPreviousRelease(sql);
    rowsBefore = await everyRow(sql);
    // The previous release stops; the new one migrates at start (up to this migration: later ones have
    // tests of their own) and opens its own connections.
    await sql.close();
    await migrateTo(db.database, UNDER_TEST);
    sql = openSql(db.database);
  });
  afterAll(async () => {
    await sql?.close();
    await db?.drop();
  });

  it('keeps every row of every table, the endpoints with the values they had', async () => {
    const after = await everyRow(sql);
    expect(Object.keys(after).sort()).toEqual(Object.keys(rowsBefore).sort());
    for (const [table, rows] of Object.entries(after)) {
      expect(table === 'fulfilment_endpoints' ? rows.map((r) => without(r, NEW_COLUMNS)) : rows, table).toEqual(rowsBefore[table]);
    }
    expect(after.fulfilment_endpoints).toHaveLength(2);
  });

  it('gives no endpoint a previous secret: each goes on signing with its one secret', async () => {
    const rows = await sql.all(`select ${NEW_COLUMNS.join(', ')} from fulfilment_endpoints`);
    expect(rows).toEqual(rows.map(() => Object.fromEntries(NEW_COLUMNS.map((c) => [c, null]))));
  });
});
