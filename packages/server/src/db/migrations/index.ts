/**
 * Migrations per dialect, registered as classes (an ESM package cannot load the generator's CommonJS;
 * STACK.md gotcha 6). New ones come from `scripts/new-migration.mjs`; the schema-diff test keeps the two
 * lists in step with the entities.
 */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127180855Initial as PgInitial } from './postgresql/Migration20261127180855Initial.js';
import { Migration20261127180855Initial as SqliteInitial } from './sqlite/Migration20261127180855Initial.js';

export const SQLITE_MIGRATIONS: MigrationObject[] = [{ name: 'Migration20261127180855Initial', class: SqliteInitial }];
export const POSTGRESQL_MIGRATIONS: MigrationObject[] = [{ name: 'Migration20261127180855Initial', class: PgInitial }];
