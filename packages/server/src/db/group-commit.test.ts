import Libsql from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKey, DIALECTS, freshDatabase, TEST_SECRETS, type Dialect, type TestDatabase } from '../../test/helpers.js';
import { App } from '../apps/app.entity.js';
import type { LogEntry } from '../notifications/handle.js';
import { createSqlStore, type EndpointStore } from '../notifications/sql-store.js';
import type { OrderDraft } from '../notifications/store.js';
import { migrate, openOrm, type Orm } from './orm.js';
import { openSql, type Sql } from './sql.js';

const VK_APP_ID = 4242001;

describe.each(DIALECTS)('group commit of the endpoint rows on %s', (dialect: Dialect) => {
  let db: TestDatabase;
  let orm: Orm;
  let sql: Sql;
  /** Another connection: what it sees is committed. */
  let other: Sql;
  let appId: number;
  let store: EndpointStore;
  const logged: { id: number; entry: LogEntry }[][] = [];
  /** Statements and transactions the store started on its connection. */
  const calls = { transactions: 0, statements: [] as string[] };

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    orm = await openOrm(db.database);
    await migrate(orm);
    const em = orm.em.fork();
    const app = em.create(App, { vkAppId: VK_APP_ID, name: 'Grouped', ...appKey(VK_APP_ID) });
    await em.flush();
    appId = app.id;
    sql = openSql(db.database);
    other = openSql(db.database);
    // The real connection, counted: each transaction and each statement outside one is a commit.
    const counted: Sql = {
      ...sql,
      transaction: (body) => (calls.transactions++, sql.transaction(body)),
      one: (text, params) => (calls.statements.push(text), sql.one(text, params)),
      all: (text, params) => (calls.statements.push(text), sql.all(text, params)),
      run: (text, params) => (calls.statements.push(text), sql.run(text, params)),
    };
    store = createSqlStore(counted, TEST_SECRETS, { queued: () => {}, logged: (rows) => logged.push([...rows]) });
  });
  afterAll(async () => {
    await sql?.close();
    await other?.close();
    await orm?.close();
    await db?.drop();
  });

  let seq = 0;
  const entry = (overrides: Partial<LogEntry> = {}): LogEntry => ({
    appId,
    vkAppId: VK_APP_ID,
    rawType: 'get_item',
    notificationType: 'get_item',
    test: false,
    vkUserId: 501,
    orderId: String(++seq),
    subscriptionId: null,
    request: { app_id: String(VK_APP_ID), item: 'gem_pack', seq },
    errorCode: null,
    signatureValid: true,
    signedWith: 'current',
    warning: null,
    receivedAt: new Date(),
    response: '{"response":{"title":"Gem pack","price":10,"item_id":"gem_pack"}}',
    durationMs: 0.25,
    ...overrides,
  });
  const order = (orderId: string): OrderDraft => ({
    appId,
    vkAppId: VK_APP_ID,
    fulfilment: false,
    syncFulfilment: false,
    test: false,
    orderId,
    vkUserId: 501,
    receiverId: null,
    itemId: 'gem_pack',
    title: 'Gem pack',
    price: 10,
    discount: null,
    vkDate: null,
  });
  const reset = (): void => {
    logged.length = 0;
    calls.transactions = 0;
    calls.statements.length = 0;
  };
  const stored = async (ids: number[]): Promise<number[]> =>
    (await Promise.all(ids.map((id) => other.one('select id from notification_logs where id = ?', [id]))))
      .filter(Boolean)
      .map((r) => Number(r!.id));

  it('log rows written in one event-loop turn share one commit, and the listener hears of them once', async () => {
    reset();
    const entries = Array.from({ length: 20 }, () => entry());
    const ids = await Promise.all(entries.map((e) => store.writeLog(e)));

    expect(new Set(ids).size).toBe(20);
    expect(await stored(ids)).toEqual(ids);
    // One commit: on SQLite one transaction, on PostgreSQL one statement and no transaction around it.
    expect(calls.transactions + calls.statements.length).toBe(1);
    if (dialect === 'postgresql') {
      expect(calls.statements[0]).toMatch(/unnest/);
      const xids = await other.one('select count(distinct xmin::text) as n from notification_logs where id = any(?::int[])', [ids]);
      expect(Number(xids!.n)).toBe(1);
    }
    expect(logged).toHaveLength(1);
    // Each id is the row of the entry it was returned for.
    expect(logged[0]!.map((r) => [r.id, r.entry.orderId])).toEqual(ids.map((id, i) => [id, entries[i]!.orderId]));
    for (const [i, id] of ids.entries()) {
      const row = await other.one('select order_id from notification_logs where id = ?', [id]);
      expect(row!.order_id).toBe(entries[i]!.orderId);
    }
  });

  it('a row that fails fails alone: its neighbours of the same turn are committed and announced', async () => {
    reset();
    // An app deleted between the request's lookup and its log row: the foreign key refuses that row only.
    const writes = [entry(), entry({ appId: 987_654_321 }), entry(), entry()].map((e) => store.writeLog(e));
    const results = await Promise.allSettled(writes);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(await stored(ids)).toEqual(ids);
    expect(logged.flat().map((r) => r.id)).toEqual(ids);
    // The statement that failed is still usable: later rows are written.
    const later = await store.writeLog(entry());
    expect(await stored([later])).toEqual([later]);
  });

  it('a writer hears of its row only once another connection can read it', async () => {
    const seen = await Promise.all(
      Array.from({ length: 10 }, () =>
        store.writeLog(entry()).then(async (id) => (await other.one('select id from notification_logs where id = ?', [id])) !== undefined),
      ),
    );
    expect(seen).toEqual(Array(10).fill(true));
  });

  it('orders of one turn share a commit, and an order repeated within the turn or after it is recorded once', async () => {
    reset();
    const repeated = `go-${dialect}-1`;
    const answers = await Promise.all(
      [order(repeated), order(`go-${dialect}-2`), order(repeated), order(repeated)].map((d) => store.recordOrder(d)),
    );

    expect(answers[0]!.appOrderId).not.toBe(answers[1]!.appOrderId);
    expect(answers.filter((a) => a.appOrderId === answers[0]!.appOrderId)).toHaveLength(3);
    // The one commit of the group, then lookups of the first one's id for the two repeats.
    expect(calls.transactions + calls.statements.filter((s) => /^\s*insert/i.test(s)).length).toBe(1);
    expect(await store.recordOrder(order(repeated))).toEqual(answers[0]);
    const rows = await other.all('select id from transactions where order_id = ?', [repeated]);
    expect(rows.map((r) => Number(r.id))).toEqual([answers[0]!.appOrderId]);
  });

  it('two instances recording the same orders at once, in opposite order, record each once and answer every one', async () => {
    // Another instance: its own connections and group commit on the same database.
    const secondSql = openSql(db.database);
    const second = createSqlStore(secondSql, TEST_SECRETS);
    try {
      for (let round = 0; round < 20; round++) {
        const ids = Array.from({ length: 200 }, (_, i) => `both-${dialect}-${round}-${i}`);
        // Each instance's orders make one group: one multi-row insert each, taking the keys' locks in opposite order.
        const [a, b] = await Promise.all([
          Promise.all(ids.map((id) => store.recordOrder(order(id)))),
          Promise.all([...ids].reverse().map((id) => second.recordOrder(order(id)))),
        ]);
        expect(a).toEqual(b.reverse());
      }
    } finally {
      await secondSql.close();
    }
  }, 60_000);
});

describe('durable commits on SQLite', () => {
  let db: TestDatabase;
  let orm: Orm;
  let sql: Sql;
  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    orm = await openOrm(db.database);
    await migrate(orm);
    sql = openSql(db.database);
  });
  afterAll(async () => {
    await sql?.close();
    await orm?.close();
  });

  it('the endpoint and the API both commit with synchronous = full (2): an answered order survives a power cut', async () => {
    expect(await sql.one('pragma synchronous')).toMatchObject({ synchronous: 2 });
    const [api] = (await orm.em.getConnection().execute('pragma synchronous')) as { synchronous: number }[];
    expect(api).toMatchObject({ synchronous: 2 });
  });

  it('a locked database fails a whole group at once, not one row after another', async () => {
    if (db.database.dialect !== 'sqlite') throw new Error('unreachable');
    const store = createSqlStore(sql, TEST_SECRETS);
    const em = orm.em.fork();
    const app = em.create(App, { vkAppId: 4242002, name: 'Locked', ...appKey(4242002) });
    await em.flush();
    const holder = new Libsql(db.database.path);
    holder.exec('begin immediate');
    try {
      const started = performance.now();
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          store.writeLog({
            appId: app.id,
            vkAppId: 4242002,
            rawType: 'get_item',
            notificationType: 'get_item',
            test: false,
            vkUserId: 1,
            orderId: String(i),
            subscriptionId: null,
            request: {},
            errorCode: null,
            signatureValid: true,
            signedWith: 'current',
            warning: null,
            receivedAt: new Date(),
            response: '{}',
            durationMs: 1,
          }),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      expect(results.every((r) => r.status === 'rejected')).toBe(true);
      // One wait for the lock (db/sql.ts, 3 s), not five in a row.
      expect(seconds).toBeLessThan(5);
    } finally {
      holder.exec('rollback');
      holder.close();
    }
  });
});
