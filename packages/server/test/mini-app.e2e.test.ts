/**
 * The mini app API end to end (docs/protocol.md §9): a front-end authenticated by VK's signed launch
 * string asks what its user owns and about one order, over a real HTTP server on SQLite and PostgreSQL,
 * with payments made through the real notification endpoint.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchSign } from '../src/mini-app/launch-params.js';
import { DIALECTS, signed, startTestServer, type Dialect, type TestServer } from './helpers.js';

const APP = 51234567;
const KEY = 'LaunchParamsKey0123ab';
/** Another app: its orders and key must never reach APP's users. */
const OTHER = 51234568;
const OTHER_KEY = 'OtherAppKey-0123456789';
/** An app whose key is rotated. */
const ROTATED = 51234569;
const ROTATED_KEY = 'RotatedAppKey-0123456789';

const PAYER = 100200300;
const TESTER = 700;
const STRANGER = 800;

const GAME_ORIGIN = 'https://game.example.com';
const OTHER_ORIGIN = 'https://other.example';
const ADMIN_ORIGIN = 'https://admin.example';

/** The launch string with a `sign` that is well-formed but wrong. */
const wronglySigned = (search: string): string => search.replace(/sign=[^&]*/, `sign=${'A'.repeat(43)}`);

/** A launch string as VK opens the mini app with, signed with `key`. */
function launch(vkUserId: number, vkAppId = APP, key = KEY, extra: Record<string, string> = {}): string {
  const params: Record<string, string> = {
    vk_access_token_settings: '',
    vk_app_id: String(vkAppId),
    vk_are_notifications_enabled: '0',
    vk_is_app_user: '1',
    vk_language: 'ru',
    vk_platform: 'mobile_web',
    vk_ts: String(Math.floor(Date.now() / 1000)),
    vk_user_id: String(vkUserId),
    ...extra,
  };
  return `${new URLSearchParams(params).toString()}&sign=${launchSign(params, key)}`;
}

interface Answer {
  status: number;
  json: Record<string, unknown> & { error?: { code: string; message: string; field?: string } };
  headers: Headers;
}

/** A moment strictly after every write so far: waits out the current millisecond of the clock (not a sync). */
function freshInstant(): Date {
  const start = Date.now();
  while (Date.now() === start) {
    /* the clock moves within a millisecond */
  }
  return new Date(Date.now());
}

describe.each(DIALECTS)('the mini app API on %s', (dialect: Dialect) => {
  let t: TestServer;
  let orderSeq = 9_100_000;

  async function data<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const r = await t.gql<T>(query, variables);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!;
  }

  async function get(path: string, options: { launch?: string | null; origin?: string; method?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.launch !== null) headers['x-vk-launch-params'] = options.launch ?? launch(PAYER);
    if (options.origin) headers.origin = options.origin;
    const res = await fetch(`${t.url}/mini-app/v1${path}`, { method: options.method ?? 'GET', headers });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Answer['json']) : {}, headers: res.headers };
  }

  async function notify(fields: Record<string, string | number>, key: string, vkAppId = APP): Promise<{ app_order_id: number }> {
    const res = await t.notify(signed({ app_id: vkAppId, version: '5.132', ...fields }, key));
    const json = res.json as { response?: { app_order_id: number } };
    if (!json.response) throw new Error(res.text);
    return json.response;
  }
  const buy = (vkUserId: number, item: 'gem' | 'sword', options: { orderId?: number; test?: boolean; vkAppId?: number } = {}) => {
    const orderId = options.orderId ?? ++orderSeq;
    const type = options.test ? 'order_status_change_test' : 'order_status_change';
    const fields = { notification_type: type, status: 'chargeable', order_id: orderId, user_id: vkUserId, receiver_id: vkUserId };
    const priced = { item, item_id: item, item_title: item, item_price: item === 'gem' ? 24 : 10 };
    const vkAppId = options.vkAppId ?? APP;
    return notify({ ...fields, ...priced }, vkAppId === OTHER ? OTHER_KEY : KEY, vkAppId).then((r) => ({ ...r, orderId }));
  };
  const refund = (vkUserId: number, orderId: number, item: 'gem' | 'sword', test = false) =>
    notify(
      {
        notification_type: test ? 'order_status_change_test' : 'order_status_change',
        status: 'refunded',
        order_id: orderId,
        user_id: vkUserId,
        receiver_id: vkUserId,
        item,
        item_id: item,
        item_title: item,
        item_price: item === 'gem' ? 24 : 10,
      },
      KEY,
    );
  const subscribe = (vkUserId: number, subscriptionId: number, status: string, extra: Record<string, string | number> = {}) =>
    notify(
      {
        notification_type: 'subscription_status_change',
        status,
        item_id: 'vip',
        item_price: 30,
        subscription_id: subscriptionId,
        user_id: vkUserId,
        next_bill_time: Math.floor(Date.now() / 1000) + 30 * 86_400,
        ...extra,
      },
      KEY,
    );

  async function createApp(vkAppId: number, secretKey: string): Promise<void> {
    await data(`mutation ($input: CreateAppInput!) { createApp(input: $input) { vkAppId } }`, {
      input: { vkAppId, name: `App ${vkAppId}`, secretKey },
    });
    for (const [itemId, price] of [
      ['gem', 24],
      ['sword', 10],
    ] as const) {
      await data(
        `mutation ($vkAppId: Int!, $input: CatalogItemInput!) { upsertCatalogItem(vkAppId: $vkAppId, input: $input) { itemId } }`,
        {
          vkAppId,
          input: { itemId, title: itemId, price },
        },
      );
    }
    await data(
      `mutation { upsertSubscriptionPlan(vkAppId: ${vkAppId}, input: {itemId: "vip", title: "VIP", price: 30, period: 30}) { itemId } }`,
    );
  }
  const setOrigins = (vkAppId: number, miniAppOrigins: string[]) =>
    t.gql<{ updatePaymentSettings: { settings: { miniAppOrigins: string[] } } }>(
      `mutation ($vkAppId: Int!, $origins: [String!]) { updatePaymentSettings(vkAppId: $vkAppId, input: {miniAppOrigins: $origins}) { settings { miniAppOrigins } } }`,
      { vkAppId, origins: miniAppOrigins },
    );

  beforeAll(async () => {
    t = await startTestServer(dialect, {
      VKP_LAUNCH_PARAMS_MAX_AGE: '3600',
      VKP_CORS_ORIGINS: ADMIN_ORIGIN,
      // This suite sends many refused requests from one address on purpose; the cap has its own test below.
      VKP_MINI_APP_REFUSALS_PER_IP: '0',
    });
    await createApp(APP, KEY);
    await createApp(OTHER, OTHER_KEY);
    await createApp(ROTATED, ROTATED_KEY);
    await data(`mutation { addPaymentTester(vkAppId: ${APP}, vkUserId: ${TESTER}) { vkUserId } }`);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists the user's paid orders that are not refunded, newest first, with every field, and their active subscriptions", async () => {
    const user = 4001;
    const first = await buy(user, 'gem');
    const second = await buy(user, 'sword');
    const third = await buy(user, 'gem');
    await refund(user, second.orderId, 'sword');
    await buy(STRANGER, 'gem');
    await subscribe(user, 61, 'chargeable');
    await subscribe(user, 62, 'chargeable');
    await subscribe(user, 62, 'cancelled', { cancel_reason: 'user_decision' });
    await subscribe(user, 63, 'chargeable');
    await subscribe(user, 63, 'cancelled', { cancel_reason: 'user_decision', pending_cancel: 1 });

    const r = await get('/entitlements', { launch: launch(user) });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('vary')).toBe('Origin, X-VK-Launch-Params');
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(r.json).sort()).toEqual(['asOf', 'items', 'nextCursor', 'subscriptions', 'vkAppId', 'vkUserId']);
    expect(r.json).toMatchObject({ vkAppId: APP, vkUserId: user, nextCursor: null });
    const items = r.json.items as Record<string, unknown>[];
    expect(items.map((i) => i.orderId)).toEqual([String(third.orderId), String(first.orderId)]);
    expect(items[0]).toEqual({
      itemId: 'gem',
      orderId: String(third.orderId),
      appOrderId: third.app_order_id,
      price: 24,
      paidAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
      test: false,
    });
    // 62 was cancelled; 63 was cancelled with pending_cancel=1 and stays paid up to its period's end.
    const subscriptions = r.json.subscriptions as Record<string, unknown>[];
    expect(subscriptions.map((s) => s.subscriptionId)).toEqual(['63', '61']);
    expect(subscriptions[1]).toEqual({
      itemId: 'vip',
      subscriptionId: '61',
      status: 'chargeable',
      periodEnd: expect.stringMatching(/Z$/) as string,
      pendingCancel: false,
      test: false,
    });
    expect(subscriptions[0]).toMatchObject({ status: 'cancelled', pendingCancel: true });
  });

  it('pages the items with limit and the opaque cursor of each answer, to the end', async () => {
    const user = 4002;
    const bought = [];
    for (let i = 0; i < 5; i++) bought.push((await buy(user, 'gem')).orderId);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const r = await get(`/entitlements?limit=2${after ? `&after=${after}` : ''}`, { launch: launch(user) });
      expect(r.status).toBe(200);
      seen.push(...(r.json.items as { orderId: string }[]).map((i) => i.orderId));
      after = r.json.nextCursor as string | null;
      if (!after) break;
      expect(after).not.toMatch(/^\d+$/);
    }
    expect(seen).toEqual(bought.reverse().map(String));
  });

  it('with since, returns only what changed since then, refunds in that window in revoked, and an asOf to poll from', async () => {
    const user = 4003;
    const old = await buy(user, 'gem');
    const kept = await buy(user, 'sword');
    const since = freshInstant();
    freshInstant();
    await refund(user, old.orderId, 'gem');
    const fresh = await buy(user, 'gem');
    await subscribe(user, 71, 'chargeable');

    const r = await get(`/entitlements?since=${since.toISOString()}`, { launch: launch(user) });
    expect(r.status).toBe(200);
    expect((r.json.items as { orderId: string }[]).map((i) => i.orderId)).toEqual([String(fresh.orderId)]);
    expect(r.json.revoked).toEqual([{ orderId: String(old.orderId), refundedAt: expect.stringMatching(/Z$/) as string, test: false }]);
    expect((r.json.subscriptions as { subscriptionId: string }[]).map((s) => s.subscriptionId)).toEqual(['71']);
    expect(new Date(r.json.asOf as string).getTime()).toBeLessThan(Date.now());
    // The whole list still has the order bought before `since`.
    const all = await get('/entitlements', { launch: launch(user) });
    expect((all.json.items as { orderId: string }[]).map((i) => i.orderId)).toEqual([String(fresh.orderId), String(kept.orderId)]);
    expect(all.json).not.toHaveProperty('revoked');
  });

  it("shows test payments, marked test, to the app's payment testers only", async () => {
    const real = await buy(TESTER, 'gem');
    const test = await buy(TESTER, 'sword', { test: true });
    const r = await get('/entitlements', { launch: launch(TESTER) });
    expect((r.json.items as { orderId: string; test: boolean }[]).map((i) => [i.orderId, i.test])).toEqual([
      [String(test.orderId), true],
      [String(real.orderId), false],
    ]);

    // A user who paid in test mode and is no tester any more sees no test payment.
    const former = 4004;
    await data(`mutation { addPaymentTester(vkAppId: ${APP}, vkUserId: ${former}) { vkUserId } }`);
    const theirs = await buy(former, 'gem', { test: true });
    expect(((await get('/entitlements', { launch: launch(former) })).json.items as unknown[]).length).toBe(1);
    await data(`mutation { removePaymentTester(vkAppId: ${APP}, vkUserId: ${former}) }`);
    const after = await get('/entitlements', { launch: launch(former) });
    expect(after.json.items).toEqual([]);
    expect((await get(`/orders/${theirs.orderId}?test=1`, { launch: launch(former) })).status).toBe(404);
  });

  it("answers one of the user's orders with every field; the real one wins over a test one with the same id, and ?test=1 asks for the test one", async () => {
    const shared = ++orderSeq;
    const real = await buy(TESTER, 'gem', { orderId: shared });
    const test = await buy(TESTER, 'sword', { orderId: shared, test: true });
    const r = await get(`/orders/${shared}`, { launch: launch(TESTER) });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.json).toEqual({
      orderId: String(shared),
      appOrderId: real.app_order_id,
      itemId: 'gem',
      status: 'chargeable',
      paidAt: expect.stringMatching(/Z$/) as string,
      refundedAt: null,
      test: false,
    });
    expect((await get(`/orders/${shared}?test=1`, { launch: launch(TESTER) })).json).toMatchObject({
      appOrderId: test.app_order_id,
      itemId: 'sword',
      test: true,
    });
    expect((await get(`/orders/${shared}?test=0`, { launch: launch(TESTER) })).json).toMatchObject({ appOrderId: real.app_order_id });

    await refund(TESTER, shared, 'gem');
    expect((await get(`/orders/${shared}`, { launch: launch(TESTER) })).json).toMatchObject({
      status: 'refunded',
      refundedAt: expect.stringMatching(/Z$/) as string,
    });
  });

  it("answers another user's order, another app's order and a missing one with the same 404", async () => {
    const mine = await buy(PAYER, 'gem');
    const elsewhere = await buy(PAYER, 'gem', { vkAppId: OTHER });
    const missing = await get('/orders/1', { launch: launch(PAYER) });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: { code: 'not_found', message: expect.any(String) as string } });
    expect(await get(`/orders/${mine.orderId}`, { launch: launch(STRANGER) })).toMatchObject({ status: 404, json: missing.json });
    expect(await get(`/orders/${elsewhere.orderId}`, { launch: launch(PAYER) })).toMatchObject({ status: 404, json: missing.json });
    // The same user in the other app sees it there.
    expect((await get(`/orders/${elsewhere.orderId}`, { launch: launch(PAYER, OTHER, OTHER_KEY) })).status).toBe(200);
  });

  it.each([
    ['no header', 'missing_launch_params', null],
    ['an empty header', 'missing_launch_params', ''],
    ['no sign', 'incomplete_launch_params', launch(PAYER).replace(/&sign=.*$/, '')],
    ['no vk_app_id', 'incomplete_launch_params', launch(PAYER).replace(/vk_app_id=\d+&/, '')],
    ['no vk_user_id', 'incomplete_launch_params', launch(PAYER).replace(/&vk_user_id=\d+/, '')],
    ['a wrong sign', 'bad_signature', wronglySigned(launch(PAYER))],
    ['another user id than the signed one', 'bad_signature', launch(PAYER).replace(`vk_user_id=${PAYER}`, `vk_user_id=${STRANGER}`)],
    ["another app's key", 'bad_signature', launch(PAYER, APP, OTHER_KEY)],
    ['a repeated vk_ parameter', 'ambiguous_launch_params', `${launch(PAYER)}&vk_user_id=${STRANGER}`],
    ['a repeated sign', 'ambiguous_launch_params', `${launch(PAYER)}&sign=abc`],
    [
      'vk_ts older than VKP_LAUNCH_PARAMS_MAX_AGE',
      'expired',
      launch(PAYER, APP, KEY, { vk_ts: String(Math.floor(Date.now() / 1000) - 7200) }),
    ],
    ['a launch string over 4 KB', 'malformed_launch_params', launch(PAYER, APP, KEY, { vk_ref: 'x'.repeat(5000) })],
  ])('refuses a request with %s: 401 %s', async (_what, code, header) => {
    for (const path of ['/entitlements', `/orders/1`]) {
      const r = await get(path, { launch: header });
      expect([path, r.status, r.json]).toEqual([path, 401, { error: { code, message: expect.any(String) as string } }]);
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('refuses a correctly signed launch string of an app that is not here with 403', async () => {
    const r = await get('/entitlements', { launch: launch(PAYER, 99_999_999, 'SomeoneElsesKey') });
    expect(r.status).toBe(403);
    expect(r.json.error).toMatchObject({ code: 'unknown_app' });
  });

  it("accepts the previous key during a rotation's overlap, and not after it ended", async () => {
    const old = launch(PAYER, ROTATED, ROTATED_KEY);
    await data(`mutation { rotateAppSecret(vkAppId: ${ROTATED}, secretKey: "RotatedAppKey-NEW-0123", overlapHours: 1) { vkAppId } }`);
    expect((await get('/entitlements', { launch: old })).status).toBe(200);
    expect((await get('/entitlements', { launch: launch(PAYER, ROTATED, 'RotatedAppKey-NEW-0123') })).status).toBe(200);
    await data(`mutation { rotateAppSecret(vkAppId: ${ROTATED}, secretKey: "RotatedAppKey-NEWER-0123", overlapHours: 0) { vkAppId } }`);
    expect((await get('/entitlements', { launch: old })).json.error).toMatchObject({ code: 'bad_signature' });
  });

  it('keeps the mini-app origins of the payment settings normalized, refuses a bad one naming its place, and audits the change', async () => {
    const set = await setOrigins(ROTATED, ['https://Game.Example.com/', 'http://localhost:10888', 'https://game.example.com']);
    expect(set.data?.updatePaymentSettings.settings.miniAppOrigins).toEqual(['https://game.example.com', 'http://localhost:10888']);
    const read = await data<{ app: { settings: { miniAppOrigins: string[] } } }>(
      `{ app(vkAppId: ${ROTATED}) { settings { miniAppOrigins } } }`,
    );
    expect(read.app.settings.miniAppOrigins).toEqual(['https://game.example.com', 'http://localhost:10888']);

    const bad = await setOrigins(ROTATED, ['https://ok.example', 'https://game.example.com/app']);
    expect(bad.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'miniAppOrigins.1',
      params: { reason: 'notAllowed', rule: 'originHasPath' },
    });
    const plain = await setOrigins(ROTATED, ['http://game.example.com']);
    expect(plain.errors?.[0]?.extensions).toMatchObject({ field: 'miniAppOrigins.0', params: { rule: 'originNotHttps' } });
    const many = await setOrigins(
      ROTATED,
      Array.from({ length: 21 }, (_, i) => `https://a${i}.example`),
    );
    expect(many.errors?.[0]?.extensions).toMatchObject({ field: 'miniAppOrigins', params: { reason: 'tooMany', max: 20 } });
    // Refused input changes nothing.
    expect(
      (await data<{ app: { settings: { miniAppOrigins: string[] } } }>(`{ app(vkAppId: ${ROTATED}) { settings { miniAppOrigins } } }`)).app
        .settings.miniAppOrigins,
    ).toHaveLength(2);

    await setOrigins(ROTATED, []);
    const audit = await data<{ auditEvents: { edges: { node: { action: string; before: unknown; after: unknown } }[] } }>(
      `{ auditEvents(vkAppId: ${ROTATED}, first: 10) { edges { node { action before after } } } }`,
    );
    const changes = audit.auditEvents.edges.map((e) => e.node).filter((e) => e.action === 'settings.update');
    expect(changes.map((e) => [e.before, e.after])).toEqual([
      [{ miniAppOrigins: ['https://game.example.com', 'http://localhost:10888'] }, { miniAppOrigins: [] }],
      [{ miniAppOrigins: [] }, { miniAppOrigins: ['https://game.example.com', 'http://localhost:10888'] }],
    ]);
  });

  it("answers preflights from any app's mini-app origin, and holds the request itself to its own app's list", async () => {
    expect((await setOrigins(APP, [GAME_ORIGIN, 'https://*.pages-ac.vk-apps.com'])).errors).toBeUndefined();
    expect((await setOrigins(OTHER, [OTHER_ORIGIN])).errors).toBeUndefined();

    const preflight = (origin: string) =>
      fetch(`${t.url}/mini-app/v1/entitlements`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-vk-launch-params' },
      });
    for (const origin of [GAME_ORIGIN, OTHER_ORIGIN, 'https://prod-app51234567-1a2b.pages-ac.vk-apps.com']) {
      const p = await preflight(origin);
      expect([origin, p.status, p.headers.get('access-control-allow-origin')]).toEqual([origin, 204, origin]);
      expect(p.headers.get('access-control-allow-headers')).toMatch(/X-VK-Launch-Params/i);
      expect(p.headers.get('access-control-allow-methods')).toBe('GET');
    }
    const evil = await preflight('https://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    // The embedder origin of /graphql is no mini-app origin, and /graphql's CORS is as it was.
    expect((await preflight(ADMIN_ORIGIN)).status).toBe(403);
    const gql = await fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: ADMIN_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(gql.headers.get('access-control-allow-origin')).toBe(ADMIN_ORIGIN);

    const ok = await get('/entitlements', { origin: GAME_ORIGIN });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(GAME_ORIGIN);
    // OTHER's origin passes the preflight, but APP's request from there is refused, without CORS headers.
    const foreign = await get('/entitlements', { origin: OTHER_ORIGIN });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error).toMatchObject({ code: 'origin_not_allowed' });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    // A change of the settings reaches the preflight's cache at once.
    expect((await setOrigins(OTHER, [])).errors).toBeUndefined();
    expect((await preflight(OTHER_ORIGIN)).status).toBe(403);
    expect((await setOrigins(APP, [])).errors).toBeUndefined();
    expect((await get('/entitlements', { origin: GAME_ORIGIN })).json.error).toMatchObject({ code: 'origin_not_allowed' });
  });

  it('never fails on hostile query values: each is a 400 naming the field, and the next request is served', async () => {
    const cases: [string, string][] = [
      ['/entitlements?limit=0', 'limit'],
      ['/entitlements?limit=101', 'limit'],
      ['/entitlements?limit=-1', 'limit'],
      ['/entitlements?limit=1e2', 'limit'],
      ['/entitlements?limit=99999999999999999999', 'limit'],
      ['/entitlements?limit=1&limit=2', 'limit'],
      ['/entitlements?after=garbage', 'after'],
      [`/entitlements?after=${Buffer.from('o1:abc').toString('base64url')}`, 'after'],
      [`/entitlements?after=${Buffer.from('o1:99999999999999999999').toString('base64url')}`, 'after'],
      [`/entitlements?after=${'A'.repeat(5000)}`, 'after'],
      ['/entitlements?since=yesterday', 'since'],
      ['/entitlements?since=2026-13-45T00:00:00Z', 'since'],
      ['/entitlements?since=2026-12-01T00:00:00', 'since'],
      ['/entitlements?since=1970-01-01T00:00:00Z', 'since'],
      [`/entitlements?since=${'9'.repeat(3000)}`, 'since'],
      ['/orders/abc', 'orderId'],
      [`/orders/${'1'.repeat(40)}`, 'orderId'],
      ['/orders/1?test=2', 'test'],
      ['/orders/1?test=1&test=0', 'test'],
    ];
    for (const [path, field] of cases) {
      const r = await get(path);
      expect([path, r.status, r.json.error?.code, r.json.error?.field]).toEqual([path, 400, 'invalid_parameter', field]);
    }
    // A header far over Node's limit is refused by Node itself, and the process goes on.
    const huge = await fetch(`${t.url}/mini-app/v1/entitlements`, { headers: { 'x-vk-launch-params': 'v'.repeat(40_000) } }).catch(
      () => null,
    );
    expect(huge === null || huge.status === 431).toBe(true);
    expect((await get('/entitlements')).status).toBe(200);
  });

  it('counts answers by route and outcome in /metrics, labels from closed lists only', async () => {
    await get('/entitlements', { launch: `${launch(PAYER)}x` });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/vkp_mini_app_requests_total\{route="entitlements",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/vkp_mini_app_requests_total\{route="entitlements",outcome="bad_signature"\} [1-9]/);
    expect(metrics).toMatch(/vkp_mini_app_requests_total\{route="preflight",outcome="origin_not_allowed"\} [1-9]/);
    const routes = [...metrics.matchAll(/vkp_mini_app_requests_total\{route="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(routes)).toEqual(new Set(['entitlements', 'order', 'preflight']));
  });
});

describe('the mini app API rate limits', () => {
  let t: TestServer;
  /** The server's log lines. */
  const lines: string[] = [];
  beforeAll(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    t = await startTestServer(
      undefined,
      { VKP_MINI_APP_RATE_LIMIT: '3', VKP_MINI_APP_REFUSALS_PER_IP: '3' },
      { logger: { level: 'debug', stream } },
    );
    const r = await t.gql(`mutation { createApp(input: {vkAppId: ${APP}, name: "Limited", secretKey: "${KEY}"}) { vkAppId } }`);
    expect(r.errors).toBeUndefined();
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = (header: string | null) =>
    fetch(`${t.url}/mini-app/v1/entitlements`, { headers: header === null ? {} : { 'x-vk-launch-params': header } });

  it('answers a VK user over VKP_MINI_APP_RATE_LIMIT per minute 429 with Retry-After, and other users as before', async () => {
    for (let i = 0; i < 3; i++) expect((await get(launch(PAYER))).status).toBe(200);
    const refused = await get(launch(PAYER));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String) as string } });
    expect((await get(launch(STRANGER))).status).toBe(200);
  });

  it('stops an address sending unsigned requests after VKP_MINI_APP_REFUSALS_PER_IP, before checking anything', async () => {
    for (let i = 0; i < 3; i++) expect((await get(wronglySigned(launch(TESTER)))).status).toBe(401);
    const refused = await get(null);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('logs each refusal by route and outcome, never the launch string or its sign', async () => {
    const launchString = wronglySigned(launch(STRANGER));
    // Over the limit by now (the test above): refused before any check, and logged as such.
    await get(launchString);
    expect(lines.join('')).toMatch(/"miniApp":"entitlements","outcome":"bad_signature"/);
    expect(lines.join('')).toMatch(/"outcome":"rate_limited"/);
    for (const line of lines)
      expect([line.includes('sign='), line.includes('vk_user_id'), line.includes('A'.repeat(43))]).toEqual([false, false, false]);
  });
});
