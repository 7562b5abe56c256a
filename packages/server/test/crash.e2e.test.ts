/**
 * A crash mid-load: the server is killed with SIGKILL while purchases stream in. After a restart,
 * every order that was answered with success is stored with the answered app_order_id, and VK's
 * retries of everything (answered or not) succeed, each order recorded exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openOrm } from '../src/db/orm.js';
import { Transaction } from '../src/orders/transaction.entity.js';
import { DIALECTS, freshDatabase, ROOT_TOKEN, SECRET, signed, type TestDatabase } from './helpers.js';
import { startServerProcess, type ServerProcess } from './processes.js';

const APP = 62001;
const ORDERS = 240;
const CONCURRENCY = 8;
const KILL_AFTER = 60;

const purchase = (orderId: number) =>
  new URLSearchParams(
    signed(
      {
        app_id: APP,
        item: 'gem_pack',
        item_price: 10,
        notification_type: 'order_status_change',
        order_id: orderId,
        status: 'chargeable',
        user_id: 7,
        version: '5.132',
      },
      SECRET,
    ),
  );

async function gql(url: string, query: string): Promise<void> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

/** Posts one purchase; the app_order_id of a success answer, or null for no/another answer. */
async function buy(url: string, orderId: number): Promise<number | null> {
  try {
    const res = await fetch(`${url}/vk/payments`, { method: 'POST', body: purchase(orderId) });
    const body = (await res.json()) as { response?: { app_order_id: number } };
    return body.response?.app_order_id ?? null;
  } catch {
    return null; // the connection died with the server: VK would retry later
  }
}

describe.each(DIALECTS)('SIGKILL during a stream of purchases on %s', (dialect) => {
  let db: TestDatabase;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.kill('SIGKILL');
    await db?.drop();
  });

  it('keeps every answered order, and retries record each order exactly once', async () => {
    db = await freshDatabase(dialect);
    const env = { VKP_ADMIN_TOKEN: ROOT_TOKEN };
    server = await startServerProcess(db.database, env);
    await gql(server.url, `mutation { createApp(input: {vkAppId: ${APP}, name: "Crash", secretKey: "${SECRET}"}) { vkAppId } }`);
    await gql(
      server.url,
      `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`,
    );

    // Stream purchases with a few in flight; kill the server once some have been answered.
    const answered = new Map<number, number>();
    let next = 1;
    let killed = false;
    const first = server;
    const worker = async (): Promise<void> => {
      while (next <= ORDERS) {
        const orderId = next++;
        const appOrderId = await buy(first.url, orderId);
        if (appOrderId !== null) answered.set(orderId, appOrderId);
        if (!killed && answered.size >= KILL_AFTER) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await first.exited;
    expect(answered.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(answered.size).toBeLessThan(ORDERS); // the kill really cut the stream short

    // Restarted on the same database: every success that went out is stored, as answered.
    server = await startServerProcess(db.database, env);
    const orm = await openOrm(db.database);
    try {
      const stored = await orm.em.fork().find(Transaction, { app: { vkAppId: APP } });
      const byOrder = new Map(stored.map((t) => [Number(t.orderId), t.id]));
      for (const [orderId, appOrderId] of answered) expect(byOrder.get(orderId)).toBe(appOrderId);

      // VK retries everything it has no answer for (and repeats some it had): all succeed, once each.
      for (let orderId = 1; orderId <= ORDERS; orderId++) {
        const appOrderId = await buy(server.url, orderId);
        expect(appOrderId).not.toBeNull();
        if (answered.has(orderId)) expect(appOrderId).toBe(answered.get(orderId));
      }
      expect(await orm.em.fork().count(Transaction, { app: { vkAppId: APP } })).toBe(ORDERS);
    } finally {
      await orm.close();
    }
  }, 90_000);
});
