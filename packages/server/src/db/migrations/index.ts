/**
 * Migrations per dialect, registered as classes (an ESM package cannot load the generator's CommonJS;
 * ours are TypeScript). New ones come from `scripts/new-migration.mjs`; the schema-diff test keeps the two
 * lists in step with the entities.
 */
import type { MigrationObject } from '@mikro-orm/core';
import * as postgresql from './postgresql/index.js';
import * as sqlite from './sqlite/index.js';

const list = (classes: Record<string, MigrationObject['class']>): MigrationObject[] =>
  Object.entries(classes)
    .map(([name, cls]) => ({ name, class: cls }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));

export const SQLITE_MIGRATIONS = list(sqlite);
export const POSTGRESQL_MIGRATIONS = list(postgresql);
