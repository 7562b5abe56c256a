/**
 * Log rows the database did not take: written once it answers again, or named in the server log when
 * given up. The real SQLite store, locked by a real other process.
 */
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import Libsql from 'libsql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, migratedOrm, waitFor, type Dialect, type MigratedOrm } from '../../test/helpers.js';
import type { LogEntry } from './handle.js';
import { pendingLogRows } from './pending-logs.js';
import { holdWriteLock } from '../../test/write-lock.js';

const entry = (orderId: string): LogEntry => ({
  appId: null,
  vkAppId: 1,
  rawType: 'order_status_change',
  notificationType: 'order_status_change',
  test: false,
  vkUserId: 5,
  orderId,
  subscriptionId: null,
  request: {},
  errorCode: 2,
  signatureValid: null,
  signedWith: null,
  warning: null,
  receivedAt: new Date(),
  response: '{"error":{"error_code":2}}',
  durationMs: 1,
});

/** A server logger whose lines the test reads (JSON, as pino writes them). */
function capturedLogger(): { lines: Array<{ msg: string; orderId?: string }>; logger: FastifyBaseLogger } {
  const lines: Array<{ msg: string; orderId?: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { msg: string });
      done();
    },
  });
  return { lines, logger: Fastify({ logger: { level: 'info', stream } }).log };
}
describe('log rows kept while the database is away', () => {
  let db: MigratedOrm;
  let path: string;
  let lines: { msg: string; orderId?: string }[];
  let logger: FastifyBaseLogger;

  beforeEach(async () => {
    db = await migratedOrm('sqlite');
    path = db.orm.config.get<'dbName', string>('dbName');
    ({ lines, logger } = capturedLogger());
  });
  afterEach(async () => {
    await db.close();
  });

  /** The rows committed, as another connection sees them. */
  const orderIds = (): string[] => {
    const other = new Libsql(path);
    try {
      return other
        .prepare('select order_id from notification_logs order by id')
        .all()
        .map((r) => String((r as { order_id: unknown }).order_id));
    } finally {
      other.close();
    }
  };

  it('writes the rows, oldest first, once the database takes writes again', async () => {
    const store = db.store();
    let attempts = 0;
    const pending = pendingLogRows((e) => (attempts++, store.writeLog(e)), { firstDelayMs: 50, maxDelayMs: 200 });
    const lock = await holdWriteLock(path);
    pending.add(entry('1'), logger);
    pending.add(entry('2'), logger);
    // Tried, refused by the lock, and tried again.
    expect(await waitFor(() => attempts >= 2, 15_000)).toBe(true);
    expect(pending.size).toBe(2);
    await lock.release();
    expect(await waitFor(() => pending.size === 0, 10_000)).toBe(true);
    expect(orderIds()).toEqual(['1', '2']);
    await pending.close();
  }, 20_000);

  it('names each row it gives up in the server log: one over the cap, and those still unwritten at shutdown', async () => {
    const store = db.store();
    const pending = pendingLogRows((e) => store.writeLog(e), { maxRows: 1, firstDelayMs: 60_000 });
    const lock = await holdWriteLock(path);
    try {
      pending.add(entry('kept'), logger);
      pending.add(entry('over'), logger);
      await pending.close(); // its last attempt meets the lock
    } finally {
      await lock.release();
    }
    const lost = lines.filter((l) => l.msg.startsWith('notification log row lost')).map((l) => l.orderId);
    expect(lost).toEqual(['over', 'kept']);
    expect(orderIds()).toEqual([]);
  }, 20_000);
});

describe.each(DIALECTS)('a kept row the database refuses, on %s', (dialect: Dialect) => {
  let db: MigratedOrm;
  let lines: { msg: string; orderId?: string }[];
  let logger: FastifyBaseLogger;

  beforeEach(async () => {
    db = await migratedOrm(dialect);
    ({ lines, logger } = capturedLogger());
  });
  afterEach(async () => {
    await db.close();
  });

  const stored = async (): Promise<string[]> =>
    (await db.sql().all('select order_id from notification_logs order by id')).map((r) => String(r.order_id));
  const lost = () => lines.filter((l) => l.msg.startsWith('notification log row lost')).map((l) => l.orderId);

  it('is given up at once and named, and the rows behind it are written', async () => {
    const store = db.store();
    // Long retries: only a row given up at once, not after keepMs, lets the others through in time.
    const pending = pendingLogRows((e) => store.writeLog(e), { firstDelayMs: 50, maxDelayMs: 50, keepMs: 60_000 });
    // An app id no app has: a foreign-key violation, whatever the database's state — a fault of the row.
    pending.add({ ...entry('refused'), appId: 999_999 }, logger);
    pending.add(entry('behind'), logger);
    expect(await waitFor(() => pending.size === 0, 5_000)).toBe(true);
    expect(await stored()).toEqual(['behind']);
    expect(lost()).toEqual(['refused']);
    await pending.close();
  });

  it('one row that keeps failing for another reason does not hold up the rows behind it', async () => {
    const store = db.store();
    // The real store behind, one row failing as no database outage would (every row fails alike in an outage).
    const write = (e: LogEntry) => (e.orderId === 'stuck' ? Promise.reject(new Error('not this row')) : store.writeLog(e));
    const pending = pendingLogRows(write, { firstDelayMs: 50, maxDelayMs: 50, keepMs: 60_000 });
    pending.add(entry('stuck'), logger);
    pending.add(entry('1'), logger);
    pending.add(entry('2'), logger);
    expect(await waitFor(() => pending.size === 1, 5_000)).toBe(true);
    expect(await stored()).toEqual(['1', '2']);
    await pending.close();
    expect(lost()).toEqual(['stuck']);
  });
});
