/**
 * The endpoint's cached reads on real databases: served from memory until a change is announced on the
 * bus (a trigger's NOTIFY on PostgreSQL, data_version on SQLite), never longer; misses cached but capped.
 * The counting wrapper only counts what reached the real store.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKey, NO_WAIT, DIALECTS, freshDatabase, SECRET, signed, TEST_SECRETS, type TestDatabase, until } from '../../test/helpers.js';
import { previousKeyColumns } from '../secrets/app-keys.js';
import { App } from '../apps/app.entity.js';
import { CatalogItem } from '../catalog/catalog-item.entity.js';
import type { Bus } from '../cluster/bus.js';
import { openBus } from '../cluster/open-bus.js';
import { BUS_APPLICATION_NAME, createPgBus } from '../cluster/pg-bus.js';
import { migrate, openOrm, type Orm } from '../db/orm.js';
import { openSql, type Sql } from '../db/sql.js';
import { cachedStore } from './cached-store.js';
import { handleNotification } from './handle.js';
import { createSqlStore, type EndpointStore } from './sql-store.js';

const APP = 64001;
const ROTATED = 64002;
const NEW_SECRET = 'NewSecret-after-rotation-42';
const ROTATION_ENDS = new Date('2026-06-01T12:00:00.000Z');

type Reads = Record<'findApp' | 'findCatalogItem' | 'isPaymentTester', number>;

/** The real store, counting the reads that reach it. */
function counted(store: EndpointStore): { store: EndpointStore; reads: Reads } {
  const reads: Reads = { findApp: 0, findCatalogItem: 0, isPaymentTester: 0 };
  return {
    reads,
    store: {
      ...store,
      findApp: (id) => (reads.findApp++, store.findApp(id)),
      findCatalogItem: (appId, itemId) => (reads.findCatalogItem++, store.findCatalogItem(appId, itemId)),
      isPaymentTester: (appId, user) => (reads.isPaymentTester++, store.isPaymentTester(appId, user)),
    },
  };
}

describe.each(DIALECTS)('cached endpoint reads on %s', (dialect) => {
  let db: TestDatabase;
  let orm: Orm;
  let sql: Sql;
  let bus: Bus;
  let appId: number;
  const opened: Bus[] = [];

  /** A cached store on its own bus, over the real store (counted). */
  function cachedOver(max?: number): { store: EndpointStore; reads: Reads } {
    const inner = counted(createSqlStore(sql, TEST_SECRETS));
    return { store: cachedStore(inner.store, bus, max), reads: inner.reads };
  }

  const price = (itemId: string) => orm.em.fork().nativeUpdate(CatalogItem, { itemId }, { price: 99 });

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    orm = await openOrm(db.database);
    await migrate(orm);
    sql = openSql(db.database);
    const em = orm.em.fork();
    const app = em.create(App, { vkAppId: APP, name: 'Cached', ...appKey(APP) });
    for (const itemId of ['gem', 'sword', 'shield']) em.create(CatalogItem, { app, itemId, title: itemId, price: 5 });
    em.create(App, {
      vkAppId: ROTATED,
      name: 'Rotated',
      ...appKey(ROTATED, NEW_SECRET),
      ...previousKeyColumns(TEST_SECRETS, ROTATED, SECRET),
      previousSecretExpiresAt: ROTATION_ENDS,
    });
    await em.flush();
    appId = app.id;
    // After the seed: its own announcements would otherwise arrive during the first test.
    bus = openBus(db.database, sql, () => undefined);
    opened.push(bus);
    await until('the bus listens', () => bus.upToDate());
  });
  afterAll(async () => {
    for (const b of opened) await b.close();
    await sql?.close();
    await orm?.close();
    await db?.drop();
  });

  it('answers a repeated get_item from memory: the app and the item are read from the database once', async () => {
    const { store, reads } = cachedOver();
    const body = new URLSearchParams(
      signed({ app_id: APP, item: 'gem', notification_type: 'get_item', order_id: 1, user_id: 5, version: '5.132' }),
    ).toString();
    for (let i = 0; i < 3; i++)
      expect((await handleNotification(body, { store, fulfilment: NO_WAIT })).answer).toEqual({
        response: { title: 'gem', price: 5, item_id: 'gem' },
      });
    expect(reads).toMatchObject({ findApp: 1, findCatalogItem: 1 });
  });

  it('answers the new price within a second of a change made by another connection', async () => {
    const { store } = cachedOver();
    expect((await store.findCatalogItem(appId, 'sword'))?.price).toBe(5);
    await price('sword');
    const changed = Date.now();
    await until('the new price', async () => (await store.findCatalogItem(appId, 'sword'))?.price === 99, 1_000);
    expect(Date.now() - changed).toBeLessThan(1_000);
  });

  it('finds an app created after its app_id was asked for (the miss was cached until then)', async () => {
    const { store, reads } = cachedOver();
    const vkAppId = 64099;
    expect(await store.findApp(vkAppId)).toBeNull();
    expect(await store.findApp(vkAppId)).toBeNull();
    expect(reads.findApp).toBe(1);
    const em = orm.em.fork();
    em.create(App, { vkAppId, name: 'Late', ...appKey(vkAppId) });
    await em.flush();
    await until('the new app', async () => (await store.findApp(vkAppId))?.vkAppId === vkAppId, 1_000);
  });

  it("stops verifying the previous key at its expiry although the app's record is cached", async () => {
    const { store, reads } = cachedOver();
    const body = new URLSearchParams(
      signed({ app_id: ROTATED, item: 'none', notification_type: 'get_item', order_id: 1, user_id: 5, version: '5.132' }, SECRET),
    ).toString();
    const before = await handleNotification(body, { store, fulfilment: NO_WAIT, now: () => new Date(ROTATION_ENDS.getTime() - 1_000) });
    expect(before.log.signedWith).toBe('previous');
    const after = await handleNotification(body, { store, fulfilment: NO_WAIT, now: () => new Date(ROTATION_ENDS.getTime() + 1_000) });
    expect(after.answer).toMatchObject({ error: { error_code: 10 } });
    expect(reads.findApp).toBe(1);
  });

  it('keeps random app_ids within its cap: the oldest misses make room, the newest stay', async () => {
    const { store, reads } = cachedOver(50);
    const ids = Array.from({ length: 500 }, (_, i) => 900_000 + i);
    for (const id of ids) await store.findApp(id);
    expect(reads.findApp).toBe(500);
    for (const id of ids.slice(-50)) await store.findApp(id);
    expect(reads.findApp).toBe(500); // the last 50 were still cached
    for (const id of ids.slice(0, 50)) await store.findApp(id);
    expect(reads.findApp).toBe(550); // the first 50 had gone
  });

  it.runIf(dialect === 'postgresql')(
    'reads the database while its LISTEN connection is away, and serves nothing stale once it listens again',
    async () => {
      if (db.database.dialect !== 'postgresql') return;
      // Its own bus, slow to reconnect, so a change is surely made (and its NOTIFY missed) while it is away.
      const slow = createPgBus({ url: db.database.url, onError: () => undefined, reconnectMs: 1_500 });
      opened.push(slow);
      await until('the bus listens', () => slow.upToDate());
      const inner = counted(createSqlStore(sql, TEST_SECRETS));
      const store = cachedStore(inner.store, slow);
      expect((await store.findCatalogItem(appId, 'shield'))?.price).toBe(5);
      const admin = new pg.Client({ connectionString: db.database.url });
      await admin.connect();
      try {
        await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()',
          [BUS_APPLICATION_NAME],
        );
        await until('the bus noticed', async () => !(await slow.upToDate()), 2_000);
        await price('shield');
        expect(await slow.upToDate()).toBe(false);
        expect((await store.findCatalogItem(appId, 'shield'))?.price).toBe(99); // from the database
        await until('the bus listens again', () => slow.upToDate(), 6_000);
        const readsBefore = inner.reads.findCatalogItem;
        expect((await store.findCatalogItem(appId, 'shield'))?.price).toBe(99); // the entry from before the gap is gone
        expect(inner.reads.findCatalogItem).toBe(readsBefore + 1);
      } finally {
        await admin.end();
      }
    },
  );
});
