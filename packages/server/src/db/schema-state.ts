/**
 * What the server must know about the schema before it serves, without loading the ORM (~0.5 s of a
 * cold start, README "Performance"): whether every migration is applied. Only when one is not does
 * the start load the ORM's migrator (db/orm.ts `migrate`).
 */
import { readdirSync } from 'node:fs';
import type { Database } from '../config.js';
import type { Sql } from './sql.js';

/**
 * An arbitrary constant naming this project's migration lock among PostgreSQL advisory locks. Also
 * held by what rewrites stored data right after the migrations (secrets/at-rest.ts).
 */
export const MIGRATION_LOCK = 0x766b70; // "vkp"

/**
 * The migrations this build holds, by the names the migrator records: one file per migration in
 * `migrations/<dialect>/`, named as its class (the list in migrations/index.ts is built from the same
 * files). A file left over from another build can only make a migration look pending, never applied.
 */
export function migrationNames(dialect: Database['dialect']): string[] {
  const folder = new URL(`./migrations/${dialect}/`, import.meta.url);
  return readdirSync(folder)
    .map((file) => /^(Migration\w+)\.[jt]s$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/** The migrations of this build the database has not applied (all of them on a new database). */
export async function pendingMigrations(sql: Sql): Promise<string[]> {
  let applied: Set<string>;
  try {
    applied = new Set((await sql.all('select name from mikro_orm_migrations')).map((row) => String(row.name)));
  } catch {
    applied = new Set(); // no migrations table yet
  }
  return migrationNames(sql.dialect).filter((name) => !applied.has(name));
}
