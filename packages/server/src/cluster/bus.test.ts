/**
 * The bus on real databases: PostgreSQL's triggers and LISTEN/NOTIFY between two buses (two instances),
 * a LISTEN connection killed by the server, and SQLite's data_version.
 */
import Libsql from 'libsql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseProxy } from '../../test/db-proxy.js';
import { DIALECTS, freshDatabase, type TestDatabase, until, waitFor } from '../../test/helpers.js';
import { migrate, openOrm, type Orm } from '../db/orm.js';
import { openSql, type Sql } from '../db/sql.js';
import type { Bus } from './bus.js';
import type { BusEvent } from './events.js';
import { createLocalBus } from './local-bus.js';
import { BUS_APPLICATION_NAME, createPgBus } from './pg-bus.js';

function recording(bus: Bus): BusEvent[] {
  const events: BusEvent[] = [];
  bus.subscribe((e) => void events.push(e));
  return events;
}

const changes = (events: BusEvent[], table: string) =>
  events.filter((e): e is BusEvent & { type: 'changed' } => e.type === 'changed' && e.table === table);

describe.runIf(DIALECTS.includes('postgresql'))('the bus on PostgreSQL', () => {
  let db: TestDatabase;
  let url: string;
  let admin: pg.Client;
  let a: Bus;
  let b: Bus;
  const errors: string[] = [];
  let appId: number;

  beforeAll(async () => {
    db = await freshDatabase('postgresql');
    if (db.database.dialect !== 'postgresql') throw new Error('unreachable');
    url = db.database.url;
    const orm = await openOrm(db.database);
    await migrate(orm);
    await orm.close();
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const onError = (_err: unknown, what: string) => void errors.push(what);
    // Slow enough to reconnect that the gap can be seen (at least 225 ms with jitter).
    a = createPgBus({ url, onError, reconnectMs: 300 });
    b = createPgBus({ url, onError, reconnectMs: 50 });
    await until('both buses listen', () => a.connected && b.connected);
    appId = (
      (await admin.query("insert into apps (vk_app_id, name, secret_key, created_at) values (61501, 'Bus', 'x', now()) returning id"))
        .rows[0] as { id: number }
    ).id;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await admin?.end();
    await db?.drop();
  });

  it('tells every instance which app a hand-written SQL change touched (triggers, no code path to forget)', async () => {
    const seenA = recording(a);
    const seenB = recording(b);
    await admin.query(
      "insert into catalog_items (app_id, item_id, title, price, active, created_at, updated_at) values ($1, 'gem', 'Gem', 5, true, now(), now())",
      [appId],
    );
    await admin.query("update catalog_items set price = 7 where item_id = 'gem'");
    await until(
      'both heard the two statements',
      () => changes(seenA, 'catalog_items').length === 2 && changes(seenB, 'catalog_items').length === 2,
      2_000,
    );
    expect(changes(seenB, 'catalog_items')).toEqual([
      { type: 'changed', table: 'catalog_items', appIds: [appId], vkAppIds: [] },
      { type: 'changed', table: 'catalog_items', appIds: [appId], vkAppIds: [] },
    ]);
  });

  it("names the app's VK id when the apps table changes, so a cached miss for it goes too", async () => {
    const seen = recording(b);
    await admin.query("update apps set name = 'Bus 2' where id = $1", [appId]);
    await until('heard', () => changes(seen, 'apps').length === 1, 2_000);
    expect(changes(seen, 'apps')[0]).toMatchObject({ appIds: [appId], vkAppIds: [61501] });
  });

  it("announces a key's revocation, but not a key merely being used (last_used_at)", async () => {
    const seen = recording(b);
    const key = (
      (
        await admin.query(
          "insert into api_keys (app_id, role, label, token_hash, created_at) values ($1, 'ADMIN', 'k', 'h1', now()) returning id",
          [appId],
        )
      ).rows[0] as { id: number }
    ).id;
    await admin.query('update api_keys set last_used_at = now() where id = $1', [key]);
    await admin.query('update api_keys set revoked_at = now() where id = $1', [key]);
    // Notifications arrive in commit order: once a later statement is heard, every announcement of the
    // key's statements has arrived.
    await admin.query("update apps set name = 'Bus after the key' where id = $1", [appId]);
    await until('a later statement is heard', () => changes(seen, 'apps').length > 0, 2_000);
    expect(changes(seen, 'api_keys')).toHaveLength(1); // the revocation only: neither the insert nor last_used_at
  });

  it('says "anything may have changed" for a statement over more apps than a payload should list', async () => {
    const seen = recording(b);
    await admin.query(
      "insert into apps (vk_app_id, name, secret_key, created_at) select 62000 + n, 'many', 'x', now() from generate_series(1, 250) as n",
    );
    await until('heard', () => changes(seen, 'apps').length === 1, 2_000);
    expect(changes(seen, 'apps')[0]).toMatchObject({ appIds: null });
  });

  it("carries one instance's log rows to the other, thousands in one go, and the sender skips its own", async () => {
    const seenA = recording(a);
    const seenB = recording(b);
    const rows = Array.from({ length: 3_000 }, (_, i) => ({ id: i + 1, vkAppId: 61501 }));
    a.publish({ type: 'logged', rows: rows.slice(0, 1_000) });
    a.publish({ type: 'logged', rows: rows.slice(1_000) });
    a.publish({ type: 'due' });
    const got = () => seenB.flatMap((e) => (e.type === 'logged' ? e.rows : []));
    await until('all rows arrived', () => got().length === rows.length, 3_000);
    expect(got()).toEqual(rows);
    expect(seenB.filter((e) => e.type === 'due')).toEqual([{ type: 'due', origin: a.origin }]);
    expect(seenB.every((e) => e.type === 'changed' || e.origin === a.origin)).toBe(true);
    // NOTIFY reaches the sender too, but its own events are no news to it.
    expect(seenA.filter((e) => e.type !== 'changed')).toEqual([]);
  });

  it('after its LISTEN connection is killed, it reads nothing from cache until it listens again, then says anything may have changed', async () => {
    const seen = recording(a);
    errors.length = 0;
    const killed = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database() and pid <> pg_backend_pid()',
      [BUS_APPLICATION_NAME],
    );
    expect(killed.rowCount).toBe(2);
    await until('a noticed', async () => !(await a.upToDate()), 2_000);
    await until('a listens again', () => a.upToDate(), 5_000);
    expect(seen).toContainEqual({ type: 'changed', table: null, appIds: null, vkAppIds: [] });
    expect(errors.some((e) => /lost its LISTEN connection/.test(e))).toBe(true);
    // And it hears changes again.
    await until('b listens again', () => b.upToDate(), 5_000);
    await admin.query("update catalog_items set price = 8 where item_id = 'gem'");
    await until('heard after the reconnect', () => changes(seen, 'catalog_items').length === 1, 2_000);
  });

  it('ignores junk sent on its channel', async () => {
    errors.length = 0;
    const seenA = recording(a);
    const seenB = recording(b);
    await admin.query('select pg_notify(\'vkp_bus\', \'not an event\'), pg_notify(\'vkp_bus\', \'{"t":"logged","o":"x","r":[1]}\')');
    // A change made after the junk is heard by both: they read past it (notifications arrive in commit order).
    await admin.query("update apps set name = 'Bus after the junk' where id = $1", [appId]);
    await until('a later change is heard', () => changes(seenA, 'apps').length > 0 && changes(seenB, 'apps').length > 0, 2_000);
    expect(a.connected && b.connected).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe.runIf(DIALECTS.includes('postgresql'))('the bus on PostgreSQL when its connection goes silent', () => {
  let db: TestDatabase;
  let proxy: DatabaseProxy;
  let bus: Bus;

  beforeAll(async () => {
    db = await freshDatabase('postgresql');
    if (db.database.dialect !== 'postgresql') throw new Error('unreachable');
    const via = await DatabaseProxy.in(db.database.url);
    proxy = via.proxy;
    bus = createPgBus({ url: via.url, onError: () => undefined, reconnectMs: 50, maxReconnectMs: 500 });
    await until('the bus listens', () => bus.upToDate(), 5_000);
  });
  afterAll(async () => {
    await bus?.close();
    await proxy?.close();
    await db?.drop();
  });

  it('keeps trusting its caches while the connection is idle and healthy (the heartbeat keeps it fresh)', async () => {
    const answers: boolean[] = [];
    for (let i = 0; i < 30; i++) {
      answers.push(await bus.upToDate());
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(answers.every(Boolean)).toBe(true);
  });

  it('stops trusting its caches within about 1.5 s of the database going silent (TCP still open), and trusts them again once the database answers', async () => {
    proxy.hang();
    const since = Date.now();
    await until('the bus no longer vouches for the caches', async () => !(await bus.upToDate()), 4_000);
    // staleMs (1.5 s) and a timer's lateness on a busy machine; before, a dead connection stayed trusted ~11 s.
    expect(Date.now() - since).toBeLessThan(2_500);
    // What was committed meanwhile comes first on the same connection (or, if it was given up, a new one
    // says anything may have changed): trusted again either way.
    proxy.resume();
    await until('it vouches again', () => bus.upToDate(), 10_000);
  }, 20_000);
});

describe('the bus on SQLite', () => {
  let db: TestDatabase;
  let orm: Orm;
  let sql: Sql;
  let bus: Bus;

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    orm = await openOrm(db.database);
    await migrate(orm);
    sql = openSql(db.database);
    bus = createLocalBus({ sql, pollMs: 60_000, onError: () => undefined });
  });
  afterAll(async () => {
    await bus?.close();
    await sql?.close();
    await orm?.close();
  });

  it("sees another connection's commit through data_version, and not the endpoint connection's own writes", async () => {
    const seen = recording(bus);
    expect(await bus.upToDate()).toBe(true);
    // The endpoint's own connection writes (an order, a log row): nothing to tell.
    await sql.run(
      "insert into apps (vk_app_id, name, secret_key, api_version, published, votes_payments_enabled, created_at) values (1, 'own', 'x', '5.132', 0, 0, 0)",
    );
    expect(await bus.upToDate()).toBe(true);
    expect(seen).toEqual([]);
    // Another connection (the ORM's here; the CLI's in another process) commits: anything may have changed.
    await orm.em.getConnection().execute("update apps set name = 'other' where vk_app_id = 1");
    expect(await bus.upToDate()).toBe(true);
    expect(seen).toEqual([{ type: 'changed', table: null, appIds: null, vkAppIds: [] }]);
    expect(await bus.upToDate()).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it("hears another connection's commit made while the endpoint's connection waited for its write lock (and was replaced)", async () => {
    if (db.database.dialect !== 'sqlite') throw new Error('unreachable');
    const endpoint = openSql(db.database);
    const own = createLocalBus({ sql: endpoint, pollMs: 60_000, onError: () => undefined });
    // Another connection (a GraphQL price change on the ORM's) holds the write lock.
    const other = new Libsql(db.database.path);
    try {
      const seen = recording(own);
      expect(await own.upToDate()).toBe(true);
      other.exec("begin immediate; update apps set name = 'price change' where vk_app_id = 1");
      // A log row meets the lock (SQLITE_BUSY: the endpoint gives up its connection and waits)…
      const write = endpoint.run('update apps set published = 0 where vk_app_id = 1');
      await new Promise((r) => setTimeout(r, 20));
      // …and the other connection commits meanwhile.
      other.exec('commit');
      await write;
      expect(await own.upToDate()).toBe(true);
      expect(seen).toEqual([{ type: 'changed', table: null, appIds: null, vkAppIds: [] }]);
    } finally {
      other.close();
      await own.close();
      await endpoint.close();
    }
  });

  it('looks by itself every pollMs, so a revocation is heard without a notification coming', async () => {
    const polling = createLocalBus({ sql, pollMs: 50, onError: () => undefined });
    try {
      const seen = recording(polling);
      await polling.upToDate();
      await orm.em.getConnection().execute("update apps set name = 'again' where vk_app_id = 1");
      expect(await waitFor(() => seen.length === 1, 1_000)).toBe(true);
    } finally {
      await polling.close();
    }
  });
});
