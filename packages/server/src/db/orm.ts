/**
 * Opens the database: the embedded SQLite file (libsql, WAL) or PostgreSQL, with the same entities and
 * dialect-specific migrations. No schema sync at runtime: the schema comes only from migrations.
 */
import 'reflect-metadata';
import { MikroORM, type Options } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Database } from '../config.js';
import { FALLBACK_PG_POOL_SIZE, SQLITE_SYNCHRONOUS, type PoolOptions } from './connection-settings.js';
import { MIGRATION_LOCK } from './schema-state.js';
import { POSTGRESQL_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations/index.js';

export type Orm = MikroORM;

/**
 * The API's timeouts: a database that does not answer turns a GraphQL request into an error within
 * seconds instead of hanging it. VK's endpoint does not use the ORM: its statements (db/sql.ts) have
 * tighter timeouts, under its answer deadline.
 */
export const PG_TIMEOUTS = { acquireMs: 3_000, connectMs: 2_000, statementMs: 5_000, queryMs: 6_000 } as const;

interface RawSqlite {
  exec(sql: string): void;
}

function options(database: Database, { poolSize = FALLBACK_PG_POOL_SIZE }: PoolOptions): Options {
  const common = {
    extensions: [Migrator],
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ensureDatabase: false,
    debug: false,
  } satisfies Options;
  if (database.dialect === 'postgresql') {
    return {
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: database.url,
      pool: { min: 0, max: poolSize, acquireTimeoutMillis: PG_TIMEOUTS.acquireMs, idleTimeoutMillis: 30_000 },
      driverOptions: {
        acquireConnectionTimeout: PG_TIMEOUTS.acquireMs,
        connection: {
          connectionTimeoutMillis: PG_TIMEOUTS.connectMs,
          statement_timeout: PG_TIMEOUTS.statementMs,
          query_timeout: PG_TIMEOUTS.queryMs,
          keepAlive: true,
        },
      },
      migrations: { migrationsList: POSTGRESQL_MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    };
  }
  return {
    ...common,
    driver: LibSqlDriver,
    dbName: database.path,
    pool: {
      // The libsql dialect opens a fresh connection every ~10 s, so per-connection pragmas go here.
      // busy_timeout lets a second process (CLI, another instance) wait for the write lock instead of failing.
      afterCreate: (conn: RawSqlite, done: (err: Error | null, conn: RawSqlite) => void) => {
        try {
          // synchronous as the endpoint's connection (db/sql.ts): what the API commits is on disk too.
          conn.exec(`pragma foreign_keys = on; pragma busy_timeout = 5000; pragma synchronous = ${SQLITE_SYNCHRONOUS}`);
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
    migrations: { migrationsList: SQLITE_MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false, silent: true },
  };
}

/** `poolSize`: PostgreSQL connections of the API's pool (the endpoint has its own, db/sql.ts). */
export async function openOrm(database: Database, sqlOptions: PoolOptions = {}): Promise<Orm> {
  // Loaded here, not with this module: migrateDatabase needs no entities (and no GraphQL types with them).
  const { ENTITIES } = await import('./entities.js');
  const orm = await MikroORM.init({ ...options(database, sqlOptions), entities: ENTITIES });
  if (database.dialect === 'sqlite') {
    // WAL is a property of the file: readers never block the writer, and it survives restarts.
    await orm.em.getConnection().execute('pragma journal_mode = wal');
  }
  return orm;
}

/**
 * Applies every pending migration; returns the names applied. Several instances may start at once on
 * one database: on PostgreSQL they take turns on an advisory lock; on SQLite the file's write lock
 * makes a second migrator fail on what the first created, so it checks that nothing is left pending.
 */
export async function migrate(orm: Orm): Promise<string[]> {
  const migrator = orm.getMigrator();
  if (isPostgres(orm)) {
    const conn = orm.em.getConnection();
    return conn.transactional(async (tx) => {
      await conn.execute('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK], 'all', tx);
      return (await migrator.up()).map((m) => m.name);
    });
  }
  try {
    return (await migrator.up()).map((m) => m.name);
  } catch (err) {
    if ((await migrator.getPendingMigrations()).length) throw err;
    return [];
  }
}

/**
 * Applies every pending migration with an ORM that knows no entities, then closes it: what a server
 * start needs before it serves (http/server.ts), without loading the entities the API opens its own ORM with.
 */
export async function migrateDatabase(database: Database): Promise<string[]> {
  const orm = await MikroORM.init({ ...options(database, {}), entities: [], discovery: { warnWhenNoEntities: false } });
  try {
    return await migrate(orm);
  } finally {
    await orm.close();
  }
}

/** Whether an ORM (or one of its EntityManagers) talks to PostgreSQL. */
export function isPostgres(orm: Pick<Orm, 'config'>): boolean {
  return orm.config.get('driver') === PostgreSqlDriver;
}
