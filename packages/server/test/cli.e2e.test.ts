/**
 * The `vk-payments` command as a user runs it: the built CLI in its own process against a real server.
 * (`pnpm test` builds before testing; run `pnpm -r build` first when running this file alone.)
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, secretsEnv, startTestServer, type TestServer } from './helpers.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const APP = 51234;

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

let t: TestServer;
let endpoint: string;
let dbEnv: Record<string, string>;

beforeAll(async () => {
  t = await startTestServer();
  endpoint = `${t.url}/vk/payments`;
  const db = t.server.config.database;
  // The CLI reads the app's key from the database with the server's secrets key (PostgreSQL: given, as to the server).
  dbEnv = { DATABASE_URL: db.dialect === 'sqlite' ? `sqlite:${db.path}` : db.url, ...secretsEnv(db) };
  await t.gql(`mutation { createApp(input: {vkAppId: ${APP}, name: "CLI", secretKey: "${SECRET}"}) { vkAppId } }`);
  await t.gql(
    `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10, discount: 2}) { itemId } }`,
  );
  await t.gql(
    `mutation { upsertSubscriptionPlan(vkAppId: ${APP}, input: {itemId: "vip", title: "VIP", price: 30, period: 30}) { itemId } }`,
  );
});
afterAll(() => t.close());

describe('vk-payments simulate', () => {
  it('buys an item as VK does: asks get_item, then pays the price it answered, and the purchase is recorded', async () => {
    const r = await cli([
      'simulate',
      'order_status_change_test',
      '--app',
      String(APP),
      '--item',
      'gem_pack',
      '--user',
      '7',
      '--order',
      '5551',
      '--url',
      endpoint,
      '--secret',
      SECRET,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('notification_type=get_item_test');
    expect(r.out).toContain('item_price=10');
    expect(r.out.match(/✓ a valid success answer/g)).toHaveLength(2);
    const tx = await t.gql<{ transactions: { edges: { node: { orderId: string; vkUserId: number; price: number; test: boolean } }[] } }>(
      `{ transactions(vkAppId: ${APP}, filter: {vkUserId: 7}) { edges { node { orderId vkUserId price test } } } }`,
    );
    expect(tx.data?.transactions.edges.map((e) => e.node)).toEqual([{ orderId: '5551', vkUserId: 7, price: 10, test: true }]);
  });

  it('reads the secret from the local database when none is given', async () => {
    const r = await cli(['simulate', 'get_subscription_test', '--app', String(APP), '--item', 'vip', '--url', endpoint], dbEnv);
    expect(r.code).toBe(0);
    expect(r.out).toContain('"period":30');
  });

  it('subscribes and shows the charge answer with an app_order_id', async () => {
    const r = await cli(
      ['simulate', 'subscription_status_change_test', '--app', String(APP), '--item', 'vip', '--subscription', '9001', '--url', endpoint],
      dbEnv,
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/"subscription_id":9001,"app_order_id":\d+/);
  });

  it('reports VK error 10 and exits 1 when the secret is wrong', async () => {
    const r = await cli([
      'simulate',
      'get_item_test',
      '--app',
      String(APP),
      '--item',
      'gem_pack',
      '--url',
      endpoint,
      '--secret',
      'WrongSecret123',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ VK error 10 (critical: VK cancels the order): signature mismatch');
  });

  it('explains an unknown type instead of sending anything', async () => {
    const r = await cli(['simulate', 'get_items', '--app', String(APP), '--url', endpoint, '--secret', SECRET]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown type "get_items"');
  });
});

describe('vk-payments sign', () => {
  const body =
    'app_id=1524456&item=sale_item_1&lang=ru_RU&notification_type=get_item_test&order_id=2044594&receiver_id=1&user_id=1&version=5.132';

  it("prints docs/protocol.md's canonical string with the secret masked, and its signature", async () => {
    const r = await cli(['sign', '--body', body, '--secret', SECRET]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'app_id=1524456item=sale_item_1lang=ru_RUnotification_type=get_item_testorder_id=2044594receiver_id=1user_id=1version=5.132••••••••••••••••XyZw',
    );
    expect(r.out).toContain('8b142b64208adc12a322cad9d5a9c972');
    expect(r.out).not.toContain(SECRET);
  });

  it('says whether a given sig matches', async () => {
    expect((await cli(['sign', '--body', `${body}&sig=8B142B64208ADC12A322CAD9D5A9C972`, '--secret', SECRET])).out).toContain(
      '✓ the given sig matches',
    );
    const wrong = await cli(['sign', '--body', `${body}&sig=520367dff5101c52f9f963256c2729e9`, '--secret', SECRET]);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('does not match');
  });
});

describe('vk-payments schema', () => {
  it('prints the SDL the server serves, without a database, as committed in schema.graphql', async () => {
    // No database settings at all: an unreachable PostgreSQL URL would fail a command that touched it.
    const { code, out } = await cli(['schema'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(code).toBe(0);
    expect(out).toBe(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
    expect(out).toMatch(/^type Query \{$/m);
  });
});
