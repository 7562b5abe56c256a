import { describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase, migratedOrm } from '../../test/helpers.js';
import { POSTGRESQL_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations/index.js';
import { migrationNames, pendingMigrations } from './schema-state.js';
import { openSql } from './sql.js';

it('checks, before the ORM is loaded, the very migrations the ORM runs', () => {
  expect(migrationNames('sqlite')).toEqual(SQLITE_MIGRATIONS.map((m) => m.name));
  expect(migrationNames('postgresql')).toEqual(POSTGRESQL_MIGRATIONS.map((m) => m.name));
});

describe.each(DIALECTS)('pending migrations on %s', (dialect) => {
  it('are all of them on a new database, and none once migrated', async () => {
    const fresh = await freshDatabase(dialect);
    const sql = openSql(fresh.database);
    try {
      expect(await pendingMigrations(sql)).toEqual(migrationNames(dialect));
    } finally {
      await sql.close();
      await fresh.drop();
    }

    const migrated = await migratedOrm(dialect);
    try {
      const conn = migrated.orm.em.getConnection();
      expect(await pendingMigrations(migrated.sql())).toEqual([]);
      // A database one migration behind this build (an upgrade) has that one pending.
      const last = migrationNames(dialect).at(-1)!;
      await conn.execute('delete from mikro_orm_migrations where name = ?', [last]);
      expect(await pendingMigrations(migrated.sql())).toEqual([last]);
    } finally {
      await migrated.close();
    }
  });
});
