import { describe, expect, it } from 'vitest';
import { DIALECTS, migratedOrm } from '../../test/helpers.js';
import { POSTGRESQL_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations/index.js';

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  it('build exactly the schema the entities describe', async () => {
    const { orm, close } = await migratedOrm(dialect);
    try {
      expect((await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
    } finally {
      await close();
    }
  });

  it('can run again on a migrated database without changing anything', async () => {
    const { orm, close } = await migratedOrm(dialect);
    try {
      expect(await orm.getMigrator().up()).toEqual([]);
    } finally {
      await close();
    }
  });
});

it('keeps the SQLite and PostgreSQL migration lists in step', () => {
  expect(SQLITE_MIGRATIONS.map((m) => m.name)).toEqual(POSTGRESQL_MIGRATIONS.map((m) => m.name));
});
