/**
 * Prepared statements for the notification hot path, beside the ORM. Under load the ORM spent ~7 ms of
 * CPU per notification building, hydrating and re-preparing a handful of one-row queries (README
 * "Performance"); here each statement is prepared once per connection and a row is a plain object.
 * Same SQL on both dialects: write `?` placeholders, values as JS (Date, boolean, number, string, null);
 * this module converts them to what each column stores.
 *
 * SQLite: its own connection to the same file (WAL: readers never wait). The driver is synchronous: a
 * statement, and a whole transaction (TxBody), runs without yielding, so nothing interleaves with it;
 * a write lock held by another connection (the ORM's, another process) is waited for by yielding and
 * retrying, never by blocking the event loop.
 * PostgreSQL: a pg pool with tight timeouts (PG_ENDPOINT_TIMEOUTS), statements named so each
 * connection plans them once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Libsql from 'libsql';
import pg from 'pg';
import type { Database } from '../config.js';
import { FALLBACK_PG_POOL_SIZE, SQLITE_SYNCHRONOUS, type PoolOptions } from './connection-settings.js';

export type SqlScalar = string | number | boolean | Date | null;
/** An array binds as a PostgreSQL array (a whole group of rows in one statement, db/group-commit.ts); SQLite takes scalars only. */
export type SqlValue = SqlScalar | readonly SqlScalar[];
export type Row = Record<string, unknown>;

/** Queries outside a transaction, each its own commit. */
export interface SqlQueries {
  /** The first row, or undefined. */
  one(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  /** Every row. */
  all(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

/** One statement of a transaction body: yielded by the body, run by the dialect, its result sent back. */
export interface Op {
  kind: 'one' | 'all' | 'run';
  sql: string;
  params: readonly SqlValue[];
}

/**
 * A transaction body: `const row = (yield one(SQL, [..])) as Row | undefined`. A generator rather than an
 * async function so that on SQLite the whole transaction runs in one synchronous stretch — nothing else
 * in the process runs while it holds the write lock (another connection's synchronous busy-wait there
 * would freeze the event loop the transaction needs to finish) — while on PostgreSQL each statement is
 * awaited. The same body serves both.
 */
export type TxBody<T> = Generator<Op, T, unknown>;

export const one = (sql: string, params: readonly SqlValue[] = []): Op => ({ kind: 'one', sql, params });
export const all = (sql: string, params: readonly SqlValue[] = []): Op => ({ kind: 'all', sql, params });
export const run = (sql: string, params: readonly SqlValue[] = []): Op => ({ kind: 'run', sql, params });

export interface Sql extends SqlQueries {
  readonly dialect: Database['dialect'];
  /** Runs the body in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(body: () => TxBody<T>): Promise<T>;
  /**
   * SQLite: how many connections it has opened so far. It replaces its connection after a failure, and
   * what a connection reports about the file (`pragma data_version`) is per connection: a number read
   * on one means nothing on the next (cluster/local-bus.ts). PostgreSQL: always 0.
   */
  readonly connections: number;
  close(): Promise<void>;
}

/** Column values come back as each dialect stores them: dates as epoch ms (SQLite; an aggregate may be a bigint) or Date (pg). */
export const readDate = (v: unknown): Date | null =>
  v === null || v === undefined
    ? null
    : v instanceof Date
      ? v
      : new Date((typeof v === 'string' && /^\d+$/.test(v)) || typeof v === 'bigint' ? Number(v) : (v as string | number));
/** pg returns bigint columns as strings; every bigint we read is a VK id within 2^53. */
export const readNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const readBoolean = (v: unknown): boolean => v === true || v === 1 || v === '1';
/** A JSON list of strings (text on SQLite, parsed jsonb on pg); anything else reads as an empty list. */
export function readStringList(v: unknown): string[] {
  let list = v;
  if (typeof v === 'string') {
    try {
      list = JSON.parse(v);
    } catch {
      return [];
    }
  }
  return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : [];
}

export function openSql(database: Database, options: PoolOptions = {}): Sql {
  return database.dialect === 'postgresql'
    ? postgresSql(database.url, options.poolSize ?? FALLBACK_PG_POOL_SIZE)
    : sqliteSql(database.path);
}

// ---------------------------------------------------------------- SQLite

/** How long a write waits for another connection's write lock before it fails (error 2, VK retries). */
const SQLITE_LOCK_WAIT_MS = 3_000;

function sqliteSql(path: string): Sql {
  const open = (): Libsql.Database => {
    const conn = new Libsql(path);
    try {
      // busy_timeout 0: a locked database throws at once and we retry by yielding (see the module comment).
      // synchronous = full: durable commits (connection-settings.ts).
      conn.exec(`pragma journal_mode = wal; pragma foreign_keys = on; pragma busy_timeout = 0; pragma synchronous = ${SQLITE_SYNCHRONOUS}`);
    } catch (err) {
      conn.close();
      throw err;
    }
    return conn;
  };
  // libsql aborts the process (a Rust panic) when some calls reach a closed connection (even
  // `inTransaction`): so `db` never holds one. After close(), or while no connection could be opened
  // (EMFILE, a disk error), a statement fails here with an ordinary error instead.
  let db: Libsql.Database | null = null;
  let closed = false;
  let connections = 0;
  /** The open connection, opened now if the last one was given up (reopen) and opening failed or was not tried yet. */
  const connection = (): Libsql.Database => {
    if (closed) throw new Error('the SQLite connection is closed');
    if (!db) {
      db = open();
      connections++;
    }
    return db;
  };
  const statements = new Map<string, Libsql.Statement<unknown[]>>();
  /**
   * libsql 0.5 leaves a statement that failed (SQLITE_BUSY above all) in progress, and has no reset():
   * the connection then stays inside that statement's implicit transaction, and every later write on it
   * is answered but never committed, while it holds the write lock (tursodatabase/libsql-js#237). So
   * after any failure the next statement runs on a new connection. The old one is rolled back first:
   * closed with a statement in progress, it would live on until that statement is garbage-collected,
   * an open transaction's write lock with it.
   */
  const reopen = (): void => {
    const old = db;
    db = null; // the next statement opens a new one (connection())
    statements.clear();
    if (!old) return;
    try {
      if (old.inTransaction) old.exec('rollback');
      old.close();
    } catch {
      // Already unusable: the new connection is what matters.
    }
  };
  const prepared = (sql: string): Libsql.Statement<unknown[]> => {
    let stmt = statements.get(sql);
    if (!stmt) statements.set(sql, (stmt = connection().prepare(sql) as Libsql.Statement<unknown[]>));
    return stmt;
  };
  const bind = (params: readonly SqlValue[]): unknown[] =>
    params.map((v) => {
      if (Array.isArray(v)) throw new TypeError('SQLite binds no arrays: write one statement per row');
      return v instanceof Date ? v.getTime() : typeof v === 'boolean' ? (v ? 1 : 0) : v;
    });
  const execute = (op: Op): unknown => {
    const stmt = prepared(op.sql);
    const args = bind(op.params);
    try {
      return op.kind === 'one' ? stmt.get(...args) : op.kind === 'all' ? stmt.all(...args) : stmt.run(...args).changes;
    } catch (err) {
      // libsql does not reset a statement whose step failed on a constraint: every later use would fail
      // the same way (one refused log row, and no log row could be written again). Prepare it anew.
      statements.delete(op.sql);
      throw err;
    }
  };

  /** Runs `op` (synchronous), waiting out another connection's write lock by yielding, never by blocking. */
  async function unlocked<T>(op: () => T): Promise<T> {
    const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      if (closed) throw new Error('the SQLite connection is closed');
      try {
        return op();
      } catch (err) {
        reopen();
        if (!isSqliteBusy(err) || Date.now() + pause > deadline) throw err;
        await sleep(pause);
      }
    }
  }

  connection(); // a file that cannot be opened fails at start, not at the first notification
  return {
    dialect: 'sqlite',
    one: (sql, params = []) => unlocked(() => execute(one(sql, params)) as Row | undefined),
    all: (sql, params = []) => unlocked(() => execute(all(sql, params)) as Row[]),
    run: (sql, params = []) => unlocked(() => execute(run(sql, params)) as number),
    transaction<T>(body: () => TxBody<T>): Promise<T> {
      // Begin to commit without yielding (see TxBody). IMMEDIATE takes the write lock up front; a lock
      // held elsewhere, here or at commit, ends the attempt (on a new connection: see reopen) and the
      // whole body is tried again.
      return unlocked(() => {
        const conn = connection();
        conn.exec('begin immediate');
        const gen = body();
        let step = gen.next();
        while (!step.done) step = gen.next(execute(step.value));
        conn.exec('commit');
        return step.value;
      });
    },
    get connections() {
      return connections;
    },
    close() {
      closed = true;
      db?.close();
      db = null;
      return Promise.resolve();
    },
  };
}

function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED');
}

// ---------------------------------------------------------------- PostgreSQL

/**
 * VK is answered by the endpoint's deadline whatever the database does (notifications/deadline.ts);
 * these end what a hung database left pending soon after, so an outage does not pile up connections
 * and requests. The hot path's statements take milliseconds; the ORM (the API) has its own, longer ones.
 * - connectMs: opening a connection, and waiting for a free one of the pool (pg-pool uses it for both);
 * - statementMs: PostgreSQL cancels a statement running (or waiting for a lock) longer than this;
 * - queryMs: we stop waiting for an answer (a database that accepted and went silent) and drop the connection;
 * - idleInTransactionMs: PostgreSQL ends a session whose transaction we left open (our side hung or died),
 *   so its row locks do not hold up the other instances.
 */
export const PG_ENDPOINT_TIMEOUTS = { connectMs: 2_000, statementMs: 2_000, queryMs: 2_500, idleInTransactionMs: 5_000 } as const;

function postgresSql(url: string, poolSize: number): Sql {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: PG_ENDPOINT_TIMEOUTS.connectMs,
    statement_timeout: PG_ENDPOINT_TIMEOUTS.statementMs,
    query_timeout: PG_ENDPOINT_TIMEOUTS.queryMs,
    idle_in_transaction_session_timeout: PG_ENDPOINT_TIMEOUTS.idleInTransactionMs,
    keepAlive: true,
  });
  // A connection that dies while idle (the database restarts) must not crash the process; the pool
  // drops it and the next query opens a new one.
  pool.on('error', () => {});

  // `?` → `$n` once per statement (so no statement may hold a literal `?`, e.g. in a string or jsonb's
  // `?` operator); the name lets each connection prepare it once.
  const texts = new Map<string, { name: string; text: string }>();
  const statement = (sql: string): { name: string; text: string } => {
    let s = texts.get(sql);
    if (!s) {
      let n = 0;
      texts.set(sql, (s = { name: `vkp_${texts.size}`, text: sql.replace(/\?/g, () => `$${++n}`) }));
    }
    return s;
  };
  async function execute(client: pg.Pool | pg.PoolClient, op: Op): Promise<unknown> {
    const result = await client.query({ ...statement(op.sql), values: op.params as SqlValue[] });
    return op.kind === 'one' ? (result.rows[0] as Row | undefined) : op.kind === 'all' ? (result.rows as Row[]) : (result.rowCount ?? 0);
  }

  return {
    dialect: 'postgresql',
    one: async (sql, params = []) => (await execute(pool, one(sql, params))) as Row | undefined,
    all: async (sql, params = []) => (await execute(pool, all(sql, params))) as Row[],
    run: async (sql, params = []) => (await execute(pool, run(sql, params))) as number,
    connections: 0,
    async transaction(body) {
      const client = await pool.connect();
      let broken: unknown;
      try {
        await client.query('begin');
        const gen = body();
        let step = gen.next();
        while (!step.done) step = gen.next(await execute(client, step.value));
        await client.query('commit');
        return step.value;
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
