/**
 * The endpoint's SQLite connection after a failure: what it acknowledges afterwards is committed, and
 * it holds no lock. A real file, and the write lock held by a real other process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import Libsql from 'libsql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/helpers.js';
import { openSql, run, type Sql } from './sql.js';
import { holdWriteLock } from '../../test/write-lock.js';

const WITHOUT_FILES = fileURLToPath(new URL('../../test/fixtures/reopen-without-files.mjs', import.meta.url));

describe('the SQLite statements of the endpoint', () => {
  let path: string;
  let sql: Sql;
  /** What another connection to the file sees: committed rows only. */
  const committed = (): unknown[] => {
    const other = new Libsql(path);
    try {
      return other
        .prepare('select v from t order by id')
        .all()
        .map((r) => (r as { v: string }).v);
    } finally {
      other.close();
    }
  };

  beforeEach(async () => {
    const { database } = await freshDatabase('sqlite');
    if (database.dialect !== 'sqlite') throw new Error('unreachable');
    path = database.path;
    sql = openSql(database);
    await sql.run('create table t (id integer primary key, v text not null unique)');
  });
  afterEach(async () => {
    await sql.close();
  });

  it("commits what it acknowledges after a write gave up on another process's lock", async () => {
    await sql.run("insert into t (v) values ('before')");
    const lock = await holdWriteLock(path);
    await expect(sql.one("update t set v = v || '!' where v = ? returning id", ['before'])).rejects.toMatchObject({
      code: expect.stringMatching(/^SQLITE_BUSY/) as string,
    });
    await lock.release();

    expect(await sql.one('insert into t (v) values (?) returning id', ['after'])).toBeDefined();
    expect(committed()).toEqual(['before', 'after']);
  }, 15_000);

  it('fails a statement that comes after close(), and the process lives on', async () => {
    await sql.close();
    await expect(sql.one('select 1')).rejects.toThrow(/closed/);
    await expect(
      sql.transaction(function* () {
        yield run('insert into t (v) values (?)', ['late']);
      }),
    ).rejects.toThrow(/closed/);
    sql = openSql({ dialect: 'sqlite', path }); // for afterEach
  });

  it('holds no lock after a transaction failed half-way', async () => {
    await expect(
      sql.transaction(function* () {
        yield run('insert into t (v) values (?)', ['first']);
        yield run('insert into t (v) values (?)', [null]); // not null: fails
      }),
    ).rejects.toThrow();

    const other = new Libsql(path);
    other.exec("pragma busy_timeout = 0; insert into t (v) values ('other')");
    other.close();
    expect(committed()).toEqual(['other']);
  });

  it('fails its statements with an ordinary error while no new connection can be opened (EMFILE), never aborting the process, and works again once it can', async () => {
    // In a process of its own (dist/): the fault used to abort the process, drain and log flush skipped.
    const child = spawn(process.execPath, [WITHOUT_FILES, `${path}-emfile`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(JSON.parse(out)).toEqual([
      'a statement that fails: failed',
      'the next statement: failed',
      'a transaction: failed',
      'a statement once files can be opened: ok',
      'a read of what it committed: ok',
    ]);
  }, 15_000);
});
