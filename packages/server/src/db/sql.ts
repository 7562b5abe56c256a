/**
 * Prepared statements for the notification hot path, beside the ORM. Under load the ORM spent ~7 ms of
 * CPU per notification building, hydrating and re-preparing a handful of one-row queries (README
 * "Performance"); here each statement is prepared once per connection and a row is a plain object.
 * Same SQL on both dialects: write `?` placeholders, values as JS (Date, boolean, number, string, null);
 * this module converts them to what each column stores.
 *
 * SQLite: its own connection to the same file (WAL: readers never wait). The driver is synchronous, so a
 * statement never yields in the middle; a transaction is serialised against every other statement on
 * this connection, and a write lock held by another connection (the ORM's, another process) is waited
 * for by yielding and retrying, never by blocking the event loop that connection may need to finish.
 * PostgreSQL: a pg pool with the same timeouts as the ORM's (db/orm.ts), statements named so each
 * connection plans them once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Libsql from 'libsql';
import pg from 'pg';
import type { Database } from '../config.js';
import { PG_TIMEOUTS } from './orm.js';

export type SqlValue = string | number | boolean | Date | null;
export type Row = Record<string, unknown>;

/** Queries on one connection (inside a transaction) or on any (outside one). */
export interface SqlQueries {
  /** The first row, or undefined. */
  one(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  /** Every row. */
  all(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface Sql extends SqlQueries {
  readonly dialect: Database['dialect'];
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlQueries) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Column values come back as each dialect stores them: dates as epoch ms (SQLite) or Date (pg). */
export const readDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : (v as string | number)));
/** pg returns bigint columns as strings; every bigint we read is a VK id within 2^53. */
export const readNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const readBoolean = (v: unknown): boolean => v === true || v === 1 || v === '1';

export function openSql(database: Database): Sql {
  return database.dialect === 'postgresql' ? postgresSql(database.url) : sqliteSql(database.path);
}

// ---------------------------------------------------------------- SQLite

/** How long a write waits for another connection's write lock before it fails (error 2, VK retries). */
const SQLITE_LOCK_WAIT_MS = 3_000;

function sqliteSql(path: string): Sql {
  const db = new Libsql(path);
  // busy_timeout 0: a locked database throws at once and we retry by yielding (see the module comment).
  db.exec('pragma journal_mode = wal; pragma foreign_keys = on; pragma busy_timeout = 0; pragma synchronous = normal');
  const statements = new Map<string, Libsql.Statement<unknown[]>>();
  const prepared = (sql: string): Libsql.Statement<unknown[]> => {
    let stmt = statements.get(sql);
    if (!stmt) statements.set(sql, (stmt = db.prepare(sql) as Libsql.Statement<unknown[]>));
    return stmt;
  };
  const bind = (params: readonly SqlValue[]): unknown[] =>
    params.map((v) => (v instanceof Date ? v.getTime() : typeof v === 'boolean' ? (v ? 1 : 0) : v));
  /** Inside a transaction: this connection is ours and holds the write lock. */
  const inside: SqlQueries = {
    one: async (sql, params = []) => prepared(sql).get(...bind(params)) as Row | undefined,
    all: async (sql, params = []) => prepared(sql).all(...bind(params)) as Row[],
    run: async (sql, params = []) => prepared(sql).run(...bind(params)).changes,
  };

  // A transaction yields between its statements: nothing else may run on this connection meanwhile.
  let open: Promise<unknown> | null = null;

  /**
   * Runs `op` (synchronous) at a moment no transaction is open here — checked in the same tick as the
   * run, so nothing slips in between — and waits out another connection's write lock by yielding.
   */
  async function whenFree<T>(op: () => T | Promise<T>): Promise<T> {
    const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      while (open) await open.catch(() => {});
      try {
        return op();
      } catch (err) {
        if (!isSqliteBusy(err) || Date.now() + pause > deadline) throw err;
        await sleep(pause);
      }
    }
  }

  return {
    dialect: 'sqlite',
    one: (sql, params = []) => whenFree(() => prepared(sql).get(...bind(params)) as Row | undefined),
    all: (sql, params = []) => whenFree(() => prepared(sql).all(...bind(params)) as Row[]),
    run: (sql, params = []) => whenFree(() => prepared(sql).run(...bind(params)).changes),
    transaction<T>(fn: (tx: SqlQueries) => Promise<T>): Promise<T> {
      return whenFree(() => {
        // IMMEDIATE takes the write lock up front, so a lock conflict shows here, before any work. From
        // here to `open = done` nothing yields: no other statement can slip into this transaction.
        db.exec('begin immediate');
        const done = (async () => {
          try {
            const result = await fn(inside);
            db.exec('commit');
            return result;
          } catch (err) {
            if (db.inTransaction) db.exec('rollback');
            throw err;
          } finally {
            open = null;
          }
        })();
        open = done;
        return done;
      });
    },
    async close() {
      while (open) await open.catch(() => {});
      db.close();
    },
  };
}

function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED');
}

// ---------------------------------------------------------------- PostgreSQL

function postgresSql(url: string): Sql {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: PG_TIMEOUTS.connectMs,
    statement_timeout: PG_TIMEOUTS.statementMs,
    query_timeout: PG_TIMEOUTS.queryMs,
    keepAlive: true,
  });
  // A connection that dies while idle (the database restarts) must not crash the process; the pool
  // drops it and the next query opens a new one.
  pool.on('error', () => {});

  // `?` → `$n` once per statement; the name lets each connection prepare it once.
  const texts = new Map<string, { name: string; text: string }>();
  const statement = (sql: string): { name: string; text: string } => {
    let s = texts.get(sql);
    if (!s) {
      let n = 0;
      texts.set(sql, (s = { name: `vkp_${texts.size}`, text: sql.replace(/\?/g, () => `$${++n}`) }));
    }
    return s;
  };
  const queries = (client: pg.Pool | pg.PoolClient): SqlQueries => ({
    async one(sql, params = []) {
      return (await client.query({ ...statement(sql), values: params as SqlValue[] })).rows[0] as Row | undefined;
    },
    async all(sql, params = []) {
      return (await client.query({ ...statement(sql), values: params as SqlValue[] })).rows as Row[];
    },
    async run(sql, params = []) {
      return (await client.query({ ...statement(sql), values: params as SqlValue[] })).rowCount ?? 0;
    },
  });

  return {
    dialect: 'postgresql',
    ...queries(pool),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: unknown;
      try {
        await client.query('begin');
        const result = await fn(queries(client));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch((rollbackErr: unknown) => (broken = rollbackErr));
        throw err;
      } finally {
        // A connection whose rollback failed is in an unknown state: the pool must not hand it out again.
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    async close() {
      await pool.end();
    },
  };
}
