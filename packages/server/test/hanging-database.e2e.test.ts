/**
 * A database that HANGS — it takes the connection and never answers — must not make VK wait: every
 * notification is answered error 2 (critical: false, VK retries) within 3 s (README "The notification
 * endpoint"; VK gives up at 10 s, docs/protocol.md §1), by a real server process that stays up. Once the
 * database answers again, VK's retries succeed, each order is recorded once, and the log keeps a row of
 * what VK was told while it hung. PostgreSQL hangs behind a proxy (db-proxy.ts); SQLite's analogue is its
 * write lock held by another process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/config.js';
import { DatabaseProxy } from './db-proxy.js';
import { DIALECTS, freshDatabase, ROOT_TOKEN, SECRET, signed, until, type TestDatabase } from './helpers.js';
import { startServerProcess, type ServerProcess } from './processes.js';
import { holdWriteLock } from './write-lock.js';

const APP = 64001;
const USER = 77;
/** What the README promises; the server's own deadline is shorter by construction (notifications/deadline.ts). */
const ANSWER_WITHIN_MS = 3_000;

describe.each(DIALECTS)('a hanging database on %s', (dialect) => {
  let db: TestDatabase;
  let proxy: DatabaseProxy | undefined;
  let server: ServerProcess;
  let database: Database;

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    database = db.database;
    if (database.dialect === 'postgresql') {
      const via = await DatabaseProxy.in(database.url);
      proxy = via.proxy;
      database = { dialect: 'postgresql', url: via.url };
    }
    server = await startServerProcess(database, { VKP_ADMIN_TOKEN: ROOT_TOKEN });
    await gql(`mutation { createApp(input: {vkAppId: ${APP}, name: "Hang", secretKey: "${SECRET}"}) { vkAppId } }`);
    await gql(`mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`);
  });
  afterAll(async () => {
    await server?.kill();
    await proxy?.close();
    await db?.drop();
  });

  async function gql<T>(query: string): Promise<T> {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown };
    if (!body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  /** Posts a signed notification; the answer and how long the client waited for it. */
  async function notify(fields: Record<string, string | number>): Promise<{ json: unknown; ms: number }> {
    const started = performance.now();
    const res = await fetch(`${server.url}/vk/payments`, {
      method: 'POST',
      body: new URLSearchParams(signed({ app_id: APP, user_id: USER, version: '5.132', ...fields })),
    });
    return { json: await res.json(), ms: performance.now() - started };
  }
  const getItem = () => notify({ notification_type: 'get_item', item: 'gem_pack' });
  const buy = (orderId: number) =>
    notify({ notification_type: 'order_status_change', item: 'gem_pack', item_price: 10, order_id: orderId, status: 'chargeable' });

  /** Makes the database hang; returns what makes it answer again. */
  async function hang(): Promise<() => Promise<void>> {
    if (proxy) {
      proxy.hang();
      return () => Promise.resolve(proxy!.resume());
    }
    if (database.dialect !== 'sqlite') throw new Error('unreachable');
    const lock = await holdWriteLock(database.path);
    return () => lock.release();
  }

  it('answers get_item and a purchase error 2 within 3 s while it hangs, stays up, and once it answers records the purchase once and the log rows of what VK was told', async () => {
    expect((await buy(1)).json).toMatchObject({ response: { order_id: 1 } });

    const answerAgain = await hang();
    const [item, purchase] = await Promise.all([getItem(), buy(2)]);
    for (const answered of [item, purchase]) {
      expect(answered.json).toMatchObject({ error: { error_code: 2, critical: false } });
      expect(answered.ms).toBeLessThan(ANSWER_WITHIN_MS);
    }
    // The process is up and answering meanwhile: nothing blocks its event loop, nothing late crashes it.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // It hangs on until the processing left behind has given up too: both log rows wait in memory.
    await until('both log rows kept for later', () => (server.output().match(/kept, to write again/g)?.length ?? 0) >= 2, 15_000);
    await answerAgain();

    // VK's retries: the purchase succeeds (whether or not the first attempt committed after its error 2), once.
    const retried = await until('the retried purchase succeeds', async () => {
      const { json } = await buy(2);
      return (json as { response?: { app_order_id: number } }).response && json;
    });
    expect(retried).toEqual({ response: { order_id: 2, app_order_id: expect.any(Number) as number } });
    expect((await buy(2)).json).toEqual(retried);
    expect((await getItem()).json).toMatchObject({ response: { item_id: 'gem_pack', price: 10 } });
    const { transactions } = await gql<{ transactions: { edges: { node: { orderId: string } }[] } }>(
      `{ transactions(vkAppId: ${APP}, filter: {vkUserId: ${USER}}) { edges { node { orderId } } } }`,
    );
    expect(transactions.edges.map((e) => e.node.orderId).sort()).toEqual(['1', '2']);

    // The log says what VK was told while the database hung, once it could be written.
    const lateRows = await until(
      'the rows of the answers given at the deadline',
      async () => {
        const { notificationLogs } = await gql<{
          notificationLogs: { edges: { node: { rawType: string; errorCode: number | null; warning: string | null } }[] };
        }>(`{ notificationLogs(vkAppId: ${APP}, filter: {errorCode: 2}, first: 50) { edges { node { rawType errorCode warning } } } }`);
        const types = new Set(
          notificationLogs.edges
            .map((e) => e.node)
            .filter((r) => r.warning?.includes('deadline'))
            .map((r) => r.rawType),
        );
        return types.size >= 2 && types;
      },
      20_000,
    );
    expect(lateRows).toEqual(new Set(['get_item', 'order_status_change']));
    expect(server.child.exitCode).toBeNull();
    expect(server.output()).not.toMatch(/uncaught failure/);
  }, 60_000);
});
