/**
 * The developer tools over real HTTP: VK's sequences played from GraphQL and from the CLI (against this
 * server and against a receiver of someone else's), a logged request replayed through today's handler
 * without writing, and the signature debugger. (`pnpm test` builds first: the CLI runs from dist/.)
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../src/apps/app.entity.js';
import { CatalogItem } from '../src/catalog/catalog-item.entity.js';
import { SubscriptionPlan } from '../src/catalog/subscription-plan.entity.js';
import { NotificationLog } from '../src/logs/notification-log.entity.js';
import { canonicalString, computeSig } from '../src/notifications/signature.js';
import { SECRET, signed, startTestServer, type TestServer } from './helpers.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const APP = 61234;
const TESTER = 4242;

let t: TestServer;

async function data<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await t.gql<T>(query, variables);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!;
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args]);
    return { code: 0, out: stdout };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout + x.stderr };
  }
}

beforeAll(async () => {
  t = await startTestServer();
  await data(`mutation { createApp(input: {vkAppId: ${APP}, name: "Tools", secretKey: "${SECRET}"}) { vkAppId } }`);
  await data(
    `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10, discount: 2}) { itemId } }`,
  );
  await data(
    `mutation { upsertSubscriptionPlan(vkAppId: ${APP}, input: {itemId: "vip", title: "VIP", price: 30, period: 30}) { itemId } }`,
  );
  await data(`mutation { addPaymentTester(vkAppId: ${APP}, vkUserId: ${TESTER}) { vkUserId } }`);
});
afterAll(() => t?.close());

interface Step {
  notificationType: string;
  request: Record<string, string>;
  response: { response?: Record<string, unknown>; error?: { error_code: number } };
  verdict: string;
  problems: string[];
  repeatIdentical: boolean;
  logId: string | null;
}
interface Simulation {
  ok: boolean;
  vkUserId: number;
  stoppedBecause: string | null;
  steps: Step[];
}

const SIMULATE = `mutation($input: SimulationInput!) { simulateNotification(vkAppId: ${APP}, input: $input) {
  ok vkUserId stoppedBecause steps { notificationType request response verdict problems repeatIdentical logId } } }`;
const simulate = async (input: Record<string, unknown>): Promise<Simulation> =>
  (await data<{ simulateNotification: Simulation }>(SIMULATE, { input })).simulateNotification;

describe('simulateNotification', () => {
  it("plays a purchase and its refund as VK does, each step twice with the same answer, as the app's tester", async () => {
    const sim = await simulate({ scenario: 'PURCHASE_REFUND', itemId: 'gem_pack' });
    expect(sim).toMatchObject({ ok: true, vkUserId: TESTER, stoppedBecause: null });
    expect(sim.steps.map((s) => [s.notificationType, s.request.status ?? null, s.verdict, s.repeatIdentical])).toEqual([
      ['get_item_test', null, 'SUCCESS', true],
      ['order_status_change_test', 'chargeable', 'SUCCESS', true],
      ['order_status_change_test', 'refunded', 'SUCCESS', true],
    ]);
    // The purchase pays what get_item answered, and the refund answers the same app_order_id.
    expect(sim.steps[1]!.request).toMatchObject({ item_price: '10', item_title: 'Gem pack', item_discount: '2' });
    const appOrderId = sim.steps[1]!.response.response!.app_order_id;
    expect(sim.steps[2]!.response.response!.app_order_id).toBe(appOrderId);

    const orderId = sim.steps[1]!.request.order_id!;
    const tx = await data<{ transactions: { edges: { node: { orderId: string; status: string; test: boolean; appOrderId: number } }[] } }>(
      `{ transactions(vkAppId: ${APP}, filter: {vkUserId: ${TESTER}}) { edges { node { orderId status test appOrderId } } } }`,
    );
    expect(tx.transactions.edges.map((e) => e.node)).toContainEqual({ orderId, status: 'REFUNDED', test: true, appOrderId });

    // Every sending is in the log, like VK's own.
    const log = await data<{ notificationLog: { rawType: string; errorCode: number | null } }>(
      `{ notificationLog(id: "${sim.steps[1]!.logId}") { rawType errorCode } }`,
    );
    expect(log.notificationLog).toEqual({ rawType: 'order_status_change_test', errorCode: null });
  });

  it('plays a subscription and its cancellation, and the subscription ends up cancelled', async () => {
    const sim = await simulate({ scenario: 'SUBSCRIBE_CANCEL', itemId: 'vip', vkUserId: 77 });
    expect(sim.ok).toBe(true);
    expect(sim.steps.map((s) => `${s.notificationType} ${s.request.status ?? ''}`.trim())).toEqual([
      'get_subscription_test',
      'subscription_status_change_test chargeable',
      'subscription_status_change_test cancelled',
    ]);
    const subs = await data<{ subscriptions: { edges: { node: { status: string; vkUserId: number } }[] } }>(
      `{ subscriptions(vkAppId: ${APP}, filter: {vkUserId: 77}) { edges { node { status vkUserId } } } }`,
    );
    expect(subs.subscriptions.edges.map((e) => e.node)).toEqual([{ status: 'CANCELLED', vkUserId: 77 }]);
  });

  it('stops where VK would when the item does not exist, with the error it got', async () => {
    const sim = await simulate({ scenario: 'PURCHASE', itemId: 'no_such_item' });
    expect(sim.ok).toBe(false);
    expect(sim.stoppedBecause).toMatch(/get_item did not answer with a valid success/);
    expect(sim.steps).toHaveLength(1);
    expect(sim.steps[0]).toMatchObject({ verdict: 'VK_ERROR', response: { error: { error_code: 20 } } });
    expect(sim.steps[0]!.problems[0]).toMatch(/answered VK error 20/);
  });

  it('refuses an empty item with BAD_USER_INPUT and never shows the key', async () => {
    const r = await t.gql(SIMULATE, { input: { scenario: 'PURCHASE', itemId: '' } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'itemId' });
    const ok = await t.gql(SIMULATE, { input: { scenario: 'PURCHASE', itemId: 'gem_pack' } });
    expect(JSON.stringify(ok)).not.toContain(SECRET);
  });
});

/** How many log rows and transactions the app has: a refused request must add neither. */
async function footprint(): Promise<{ logs: number; transactions: number }> {
  const em = t.server.orm.em.fork();
  const app = await em.findOneOrFail(App, { vkAppId: APP });
  const transactions = (
    await data<{ transactions: { totalCount: number } }>(`{ transactions(vkAppId: ${APP}, filter: {test: true}) { totalCount } }`)
  ).transactions.totalCount;
  return { logs: await em.count(NotificationLog, { app }), transactions };
}

describe('simulateNotification signs nothing a caller could turn into a real payment', () => {
  /**
   * The item of the issue, 88 characters: the get_item_test signed for it has the signed string of a
   * real chargeable order_status_change, whose field `zz` swallows the rest.
   */
  const FOLDING_ITEM = 'gem_packitem_price=10notification_type=order_status_changeorder_id=1status=chargeablezz=';

  it('refuses the 88-character item id with "=" as BAD_USER_INPUT on itemId: nothing is signed, sent or logged', async () => {
    expect(FOLDING_ITEM).toHaveLength(88);
    // The premise: signed here, it would sign a real order too.
    const testBody = {
      app_id: String(APP),
      item: FOLDING_ITEM,
      lang: 'ru_RU',
      notification_type: 'get_item_test',
      order_id: '5',
      receiver_id: String(TESTER),
      user_id: String(TESTER),
      version: '5.132',
    };
    const real = {
      app_id: String(APP),
      item: 'gem_pack',
      item_price: '10',
      notification_type: 'order_status_change',
      order_id: '1',
      status: 'chargeable',
      zz: 'lang=ru_RUnotification_type=get_item_testorder_id=5receiver_id=4242user_id=4242version=5.132',
    };
    expect(canonicalString(real)).toBe(canonicalString(testBody));

    const before = await footprint();
    const r = await t.gql(SIMULATE, { input: { scenario: 'PURCHASE', itemId: FOLDING_ITEM } });
    expect(r.data).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'itemId' });
    expect(r.errors?.[0]?.message).toMatch(/^itemId: must be 1–64 characters of A–Z, a–z, 0–9 and _ \. : -/);
    expect(await footprint()).toEqual(before);
    expect(JSON.stringify(r)).not.toContain(computeSig(real, SECRET));
  });

  it.each([
    ['a space', 'gem pack'],
    ['an "&"', 'gem&status=chargeable'],
    ['a slash', 'gem/2'],
    ['Cyrillic', 'самоцвет'],
    ['65 characters', 'g'.repeat(65)],
  ])('refuses an item id with %s the same way', async (_what, itemId) => {
    const before = await footprint();
    const r = await t.gql(SIMULATE, { input: { scenario: 'SUBSCRIBE', itemId } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'itemId' });
    expect(await footprint()).toEqual(before);
  });

  it('stops before signing a step that would carry a catalog title with "=", naming the field, and books nothing', async () => {
    await data(`mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "eq_title", title: "Gems=100", price: 10}) { itemId } }`);
    const before = await footprint();
    const r = await t.gql(SIMULATE, { input: { scenario: 'PURCHASE', itemId: 'eq_title' } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'itemId' });
    expect(r.errors?.[0]?.message).toMatch(/^itemId: the catalog's item_title for this item "Gems=100" is not signed here: contains "="/);
    // get_item_test, which carries no title, went as VK would send it; the order never did.
    const after = await footprint();
    expect(after.transactions).toBe(before.transactions);
    const logged = await t.server.orm.em
      .fork()
      .find(NotificationLog, { app: { vkAppId: APP } }, { orderBy: { id: 'desc' }, limit: after.logs - before.logs });
    expect(logged.map((l) => [l.notificationType, l.test])).toEqual([
      ['get_item', true],
      ['get_item', true],
    ]);
  });

  describe('an item an older version stored with an id outside the alphabet', () => {
    const LEGACY = 'gem pack/2';
    beforeAll(async () => {
      const em = t.server.orm.em.fork();
      const app = await em.findOneOrFail(App, { vkAppId: APP });
      em.create(CatalogItem, { app, itemId: LEGACY, title: 'Old gem pack', price: 7 });
      em.create(SubscriptionPlan, { app, itemId: 'vip plan', title: 'Old VIP', price: 30, period: 30 });
      await em.flush();
    });

    it("still works for VK's own notifications: get_item and a real chargeable order", async () => {
      const item = await t.notify(
        signed({
          app_id: APP,
          user_id: 9001,
          notification_type: 'get_item',
          item: LEGACY,
          lang: 'ru_RU',
          order_id: 990001,
          receiver_id: 9001,
          version: '5.132',
        }),
      );
      expect(item.json).toMatchObject({ response: { title: 'Old gem pack', price: 7, item_id: LEGACY } });
      const order = await t.notify(
        signed({
          app_id: APP,
          user_id: 9001,
          notification_type: 'order_status_change',
          status: 'chargeable',
          item: LEGACY,
          item_id: LEGACY,
          item_price: 7,
          order_id: 990001,
          receiver_id: 9001,
          date: 1_700_000_000,
          version: '5.132',
        }),
      );
      expect(order.json).toMatchObject({ response: { order_id: 990001, app_order_id: expect.any(Number) as number } });
    });

    it('is never signed on request: simulateNotification refuses it, naming itemId', async () => {
      const before = await footprint();
      for (const [scenario, itemId] of [
        ['PURCHASE', LEGACY],
        ['SUBSCRIBE', 'vip plan'],
      ] as const) {
        const r = await t.gql(SIMULATE, { input: { scenario, itemId } });
        expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'itemId' });
      }
      expect(await footprint()).toEqual(before);
    });

    it('can still be edited, but no new item or plan gets such an id', async () => {
      const edit = await t.gql(
        `mutation ($input: CatalogItemInput!) { upsertCatalogItem(vkAppId: ${APP}, input: $input) { itemId price active } }`,
        {
          input: { itemId: LEGACY, title: 'Old gem pack', price: 8, active: false },
        },
      );
      expect(edit).toEqual({ data: { upsertCatalogItem: { itemId: LEGACY, price: 8, active: false } } });
      for (const [mutation, type, extra] of [
        ['upsertCatalogItem', 'CatalogItemInput', {}],
        ['upsertSubscriptionPlan', 'SubscriptionPlanInput', { period: 30 }],
      ] as const) {
        for (const itemId of ['new gem', 'gem=1', 'gem_packitem_price=10status=chargeable']) {
          const r = await t.gql(`mutation ($input: ${type}!) { ${mutation}(vkAppId: ${APP}, input: $input) { itemId } }`, {
            input: { itemId, title: 'New', price: 5, ...extra },
          });
          expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'itemId' });
          expect(r.errors?.[0]?.message).toMatch(/^itemId: must be 1–64 characters of A–Z, a–z, 0–9 and _ \. : -/);
        }
      }
      const items = await data<{ catalogItems: { itemId: string }[] }>(`{ catalogItems(vkAppId: ${APP}) { itemId } }`);
      expect(items.catalogItems.map((i) => i.itemId)).not.toContain('new gem');
    });
  });
});

describe('replayNotification', () => {
  const REPLAY = (id: string) =>
    `{ replayNotification(logId: "${id}") { same storedAnswer todayAnswer differences effects todayErrorCode } }`;
  const lastLogId = async (): Promise<string> =>
    (
      await data<{ notificationLogs: { edges: { node: { id: string } }[] } }>(
        `{ notificationLogs(vkAppId: ${APP}, first: 1) { edges { node { id } } } }`,
      )
    ).notificationLogs.edges[0]!.node.id;
  const countTransactions = async (): Promise<number> =>
    (await data<{ transactions: { totalCount: number } }>(`{ transactions(vkAppId: ${APP}) { totalCount } }`)).transactions.totalCount;

  it('a purchase refused for its price passes today once the price is fixed: the difference is shown and nothing is written', async () => {
    const order = {
      app_id: APP,
      user_id: TESTER,
      notification_type: 'order_status_change_test',
      status: 'chargeable',
      item: 'gem_pack',
      item_price: 15,
      order_id: 880001,
      version: '5.132',
    };
    expect((await t.notify(signed(order))).json).toMatchObject({ error: { error_code: 100 } });
    const logId = await lastLogId();
    await data(
      `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 15, discount: 2}) { itemId } }`,
    );
    const before = await countTransactions();

    const { replayNotification: r } = await data<{
      replayNotification: { same: boolean; todayAnswer: unknown; differences: string[]; effects: string[]; todayErrorCode: number | null };
    }>(REPLAY(logId));
    expect(r.same).toBe(false);
    expect(r.todayErrorCode).toBeNull();
    expect(r.todayAnswer).toEqual({ response: { order_id: 880001, app_order_id: 0 } });
    expect(r.differences).toEqual(
      expect.arrayContaining([expect.stringMatching(/^error\.error_code: 100 → \(absent\)$/), 'response.order_id: (absent) → 880001']),
    );
    expect(r.effects).toEqual([expect.stringMatching(/^would record order 880001 \(gem_pack, 15 votes, user 4242\) as a new transaction/)]);
    expect(await countTransactions()).toBe(before);
    await data(
      `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10, discount: 2}) { itemId } }`,
    );
  });

  it('a recorded purchase replays to the same answer with nothing to write', async () => {
    const order = {
      app_id: APP,
      user_id: TESTER,
      notification_type: 'order_status_change_test',
      status: 'chargeable',
      item: 'gem_pack',
      item_price: 10,
      order_id: 880002,
      version: '5.132',
    };
    expect((await t.notify(signed(order))).json).toHaveProperty('response.app_order_id');
    const { replayNotification: r } = await data<{ replayNotification: { same: boolean; differences: string[]; effects: string[] } }>(
      REPLAY(await lastLogId()),
    );
    expect(r).toEqual({ ...r, same: true, differences: [], effects: [] });
  });

  it('a request signed with a key that has since become current replays to success', async () => {
    const body = signed(
      { app_id: APP, user_id: TESTER, notification_type: 'get_item_test', item: 'gem_pack', version: '5.132' },
      'TheNextKey0123456',
    );
    expect((await t.notify(body)).json).toMatchObject({ error: { error_code: 10 } });
    const logId = await lastLogId();
    await data(`mutation { rotateAppSecret(vkAppId: ${APP}, secretKey: "TheNextKey0123456", overlapHours: 1) { vkAppId } }`);
    const { replayNotification: r } = await data<{ replayNotification: { same: boolean; todayErrorCode: number | null } }>(REPLAY(logId));
    expect(r).toMatchObject({ same: false, todayErrorCode: null });
    await data(`mutation { rotateAppSecret(vkAppId: ${APP}, secretKey: "${SECRET}", overlapHours: 1) { vkAppId } }`);
  });

  it('an unreadable request has nothing to replay: BAD_USER_INPUT', async () => {
    await t.notify('x'.repeat(70 * 1024));
    // Its row belongs to no app (root's): the newest such row.
    const row = await t.server.orm.em.fork().findOneOrFail(NotificationLog, { app: null }, { orderBy: { id: 'desc' } });
    expect(row.request).toHaveProperty('_unreadable');
    const r = await t.gql(REPLAY(String(row.id)));
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toMatch(/could not be read when it came/);
  });
});

describe('explainSignature', () => {
  const EXPLAIN = `query($rawBody: String!) { explainSignature(vkAppId: ${APP}, rawBody: $rawBody) { matches canonicalString expectedSignature givenSignature mistakes } }`;

  it("says a signature made over '&'-joined pairs is wrong, and why, without showing the key", async () => {
    const fields = { app_id: String(APP), item: 'gem_pack', notification_type: 'get_item', user_id: '7' };
    const { createHash } = await import('node:crypto');
    const wrong = createHash('md5').update(`app_id=${APP}&item=gem_pack&notification_type=get_item&user_id=7${SECRET}`).digest('hex');
    const r = await t.gql<{ explainSignature: { matches: boolean; canonicalString: string; givenSignature: string; mistakes: string[] } }>(
      EXPLAIN,
      {
        rawBody: new URLSearchParams({ ...fields, sig: wrong }).toString(),
      },
    );
    expect(r.data?.explainSignature).toMatchObject({
      matches: false,
      givenSignature: wrong,
      canonicalString: `app_id=${APP}item=gem_packnotification_type=get_itemuser_id=7••••XyZw`,
    });
    expect(r.data?.explainSignature.mistakes.join(' ')).toMatch(/joined with "&"/);
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it('never gives the signature of the issue\'s folded "_test" body, which would book a real payment', async () => {
    // A real chargeable order with an extra field zz=_test, and the same signed string as one _test body.
    const real = {
      app_id: String(APP),
      item: 'gem_pack',
      item_price: '10',
      notification_type: 'order_status_change',
      order_id: '880077',
      receiver_id: '31337',
      status: 'chargeable',
      user_id: '31337',
      zz: '_test',
    };
    const folded = {
      app_id: String(APP),
      item: 'gem_pack',
      item_price: '10',
      notification_type: 'order_status_changeorder_id=880077receiver_id=31337status=chargeableuser_id=31337zz=_test',
    };
    expect(canonicalString(folded)).toBe(canonicalString(real));
    const forged = computeSig(real, SECRET);

    const r = await t.gql<{ explainSignature: { matches: boolean; expectedSignature: string | null } }>(EXPLAIN, {
      rawBody: new URLSearchParams({ ...folded, sig: '0'.repeat(32) }).toString(),
    });
    expect(r.data?.explainSignature).toMatchObject({ matches: false, expectedSignature: null });
    expect(JSON.stringify(r)).not.toContain(forged);

    // What that signature was worth: posted with the real body, it books a real (test: false) order.
    expect((await t.notify({ ...real, sig: forged })).json).toMatchObject({ response: { order_id: 880077 } });
    const tx = await data<{ transactions: { edges: { node: { test: boolean } }[] } }>(
      `{ transactions(vkAppId: ${APP}, filter: {vkUserId: 31337}) { edges { node { test } } } }`,
    );
    expect(tx.transactions.edges.map((e) => e.node)).toEqual([{ test: false }]);
  });

  it('gives the expected signature back when the given one matches', async () => {
    const body = signed({ app_id: APP, item: 'gem_pack', notification_type: 'get_item', user_id: 7 });
    const r = await t.gql<{ explainSignature: { matches: boolean; expectedSignature: string | null } }>(EXPLAIN, {
      rawBody: new URLSearchParams(body).toString(),
    });
    expect(r.data?.explainSignature).toMatchObject({ matches: true, expectedSignature: body.sig });
  });
});

describe('vk-payments simulate scenario', () => {
  it('plays a purchase with its refund against this server: every step a valid success, the same on the repeat', async () => {
    const r = await cli([
      'simulate',
      'scenario',
      'purchase-refund',
      '--app',
      String(APP),
      '--item',
      'gem_pack',
      '--user',
      String(TESTER),
      '--url',
      `${t.url}/vk/payments`,
      '--secret',
      SECRET,
    ]);
    expect(r.code).toBe(0);
    expect(r.out.match(/── step \d: /g)).toHaveLength(3);
    expect(r.out.match(/↻ sent again: the same answer/g)).toHaveLength(3);
    expect(r.out).toContain('status=refunded');
    expect(r.out).toContain('✓ purchase-refund: 3 steps, each a valid success, the same on the repeat');
  });

  describe('against a receiver that gives a repeat a new app_order_id', () => {
    let receiver: Server;
    let url: string;
    beforeAll(async () => {
      let next = 1;
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const p = new URLSearchParams(body);
          const answer = p.get('notification_type')!.startsWith('get_item')
            ? { response: { item_id: 'gem_pack', title: 'Gem pack', price: 10 } }
            : { response: { order_id: Number(p.get('order_id')), app_order_id: next++ } };
          res.setHeader('content-type', 'application/json').end(JSON.stringify(answer));
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/vk`;
    });
    afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

    it('catches the different answer to the repeat and exits 2', async () => {
      const r = await cli([
        'simulate',
        'scenario',
        'purchase',
        '--app',
        String(APP),
        '--item',
        'gem_pack',
        '--url',
        url,
        '--secret',
        SECRET,
      ]);
      expect(r.code).toBe(2);
      expect(r.out).toMatch(/✗ sent again: a different answer: \{"response":\{"order_id":\d+,"app_order_id":2\}\}/);
      expect(r.out).toContain('✗ purchase: not every step was a valid, repeatable success');
    });
  });

  it('names the scenarios when given an unknown one', async () => {
    const r = await cli(['simulate', 'scenario', 'buy', '--app', String(APP), '--item', 'gem_pack', '--secret', SECRET]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('unknown scenario "buy": one of purchase, purchase-refund, subscribe, subscribe-cancel');
  });
});
