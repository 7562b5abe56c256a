/**
 * Several instances on one PostgreSQL (README "Running several instances"): the same order sent to both
 * at once is recorded once with one answer, `app_order_id`s never collide, and instances starting
 * together migrate the database once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrm } from '../src/db/orm.js';
import { Transaction } from '../src/orders/transaction.entity.js';
import { freshDatabase, ROOT_TOKEN, SECRET, signed, type TestDatabase } from './helpers.js';
import { startServerProcess, type ServerProcess } from './processes.js';

const APP = 61001;

async function post(url: string, fields: Record<string, string>): Promise<string> {
  const res = await fetch(`${url}/vk/payments`, { method: 'POST', body: new URLSearchParams(fields) });
  return res.text();
}

async function gql(url: string, query: string): Promise<void> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

const purchase = (orderId: string | number) =>
  signed(
    {
      app_id: APP,
      item: 'gem_pack',
      item_price: 10,
      notification_type: 'order_status_change',
      order_id: orderId,
      status: 'chargeable',
      user_id: 42,
      version: '5.132',
    },
    SECRET,
  );

describe('two instances on one PostgreSQL', () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    db = await freshDatabase('postgresql');
    // Both start (and migrate) at the same moment.
    [a, b] = await Promise.all([
      startServerProcess(db.database, { VKP_ADMIN_TOKEN: ROOT_TOKEN }),
      startServerProcess(db.database, { VKP_ADMIN_TOKEN: ROOT_TOKEN }),
    ]);
    await gql(a.url, `mutation { createApp(input: {vkAppId: ${APP}, name: "Scale", secretKey: "${SECRET}"}) { vkAppId } }`);
    await gql(
      b.url,
      `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`,
    );
  });
  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await db?.drop();
  });

  it('records 60 identical chargeable notifications split across both instances once, with identical answers', async () => {
    const body = purchase(88001);
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => post(i % 2 ? a.url : b.url, body)));
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatch(/^\{"response":\{"order_id":88001,"app_order_id":\d+\}\}$/);
    const orm = await openOrm(db.database);
    try {
      expect(await orm.em.fork().count(Transaction, { orderId: '88001' })).toBe(1);
    } finally {
      await orm.close();
    }
  });

  it('gives 40 different orders sent to both instances 40 different app_order_ids', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => post(i % 2 ? a.url : b.url, purchase(89000 + i))));
    const ids = answers.map((text) => (JSON.parse(text) as { response: { app_order_id: number } }).response.app_order_id);
    expect(new Set(ids).size).toBe(40);
  });
});
