/**
 * `customer(vkAppId, vkUserId)` end to end, over HTTP on SQLite and PostgreSQL: payments, refunds,
 * subscription charges and deliveries made the way VK and the worker make them (signed notifications
 * through the endpoint), then one user's page read back. Totals are exact; test payments are summed
 * apart and never into the real totals; no row of another user or another app ever shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, ROOT_TOKEN, SECRET, signed, startTestServer, type Dialect, type GqlResult, type TestServer } from './helpers.js';

const SHOP = 3400;
const OTHER = 3401;
const OTHER_SECRET = 'OtherAppSecret-0123';
/** The customer, a user of both apps. */
const USER = 100_200_300;
/** Another user of SHOP. */
const NEIGHBOUR = 100_200_301;

const TOTALS = 'paidVotes refundedVotes netVotes payments refunds firstPaymentAt lastPaymentAt';
const PAGE = 'totalCount pageInfo { hasNextPage endCursor }';
const CUSTOMER = `query ($vkAppId: Int!, $vkUserId: Int!) {
  customer(vkAppId: $vkAppId, vkUserId: $vkUserId) {
    vkAppId vkUserId
    totals { ${TOTALS} }
    testTotals: totals(test: true) { ${TOTALS} }
    orders { ${PAGE} summary { net } edges { node { vkUserId orderId subscriptionId price status test createdAt } } }
    subscriptions { ${PAGE} edges { node { vkUserId subscriptionId status } } }
    notifications { ${PAGE} edges { node { vkUserId notificationType test } } }
    deliveries { ${PAGE} edges { node { id vkUserId eventType payload } } }
  }
}`;

interface Totals {
  paidVotes: number;
  refundedVotes: number;
  netVotes: number;
  payments: number;
  refunds: number;
  firstPaymentAt: string | null;
  lastPaymentAt: string | null;
}
interface Conn<N> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: N }[];
}
interface CustomerData {
  customer: {
    vkAppId: number;
    vkUserId: number;
    totals: Totals;
    testTotals: Totals;
    orders: Conn<{ vkUserId: number; orderId: string | null; price: number; status: string; test: boolean; createdAt: string }> & {
      summary: { net: number };
    };
    subscriptions: Conn<{ vkUserId: number; subscriptionId: string; status: string }>;
    notifications: Conn<{ vkUserId: number | null; notificationType: string; test: boolean }>;
    deliveries: Conn<{ id: string; vkUserId: number | null; eventType: string; payload: { data: { vkUserId: number } } }>;
  };
}

describe.each(DIALECTS)('the customer view on %s', (dialect: Dialect) => {
  let t: TestServer;

  async function gql<T>(query: string, variables: Record<string, unknown> = {}, token: string | null = ROOT_TOKEN): Promise<GqlResult<T>> {
    return t.gql<T>(query, variables, token);
  }
  async function data<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await gql<T>(query, variables);
    expect(result.errors).toBeUndefined();
    return result.data!;
  }
  const customer = async (vkUserId: number, vkAppId = SHOP) => (await data<CustomerData>(CUSTOMER, { vkAppId, vkUserId })).customer;

  let order = 5_000_000;
  async function notify(vkAppId: number, fields: Record<string, string | number>, secret = SECRET): Promise<void> {
    const res = await t.notify(signed({ app_id: vkAppId, version: '5.132', ...fields }, secret));
    expect(res.json).toHaveProperty('response');
  }
  const buy = (user: number, orderId: number, extra: Record<string, string | number> = {}, vkAppId = SHOP) =>
    notify(
      vkAppId,
      {
        notification_type: 'order_status_change',
        status: 'chargeable',
        order_id: orderId,
        user_id: user,
        item: 'gem_pack',
        item_price: 10,
        ...extra,
      },
      vkAppId === SHOP ? SECRET : OTHER_SECRET,
    );

  beforeAll(async () => {
    t = await startTestServer(dialect, { VKP_ALLOW_PRIVATE_URLS: '127.0.0.1' });
    for (const [vkAppId, secretKey] of [
      [SHOP, SECRET],
      [OTHER, OTHER_SECRET],
    ] as const) {
      await data(`mutation ($input: CreateAppInput!) { createApp(input: $input) { vkAppId } }`, {
        input: { vkAppId, name: `App ${vkAppId}`, secretKey },
      });
      await data(
        `mutation ($v: Int!) { upsertCatalogItem(vkAppId: $v, input: {itemId: "gem_pack", title: "Gems", price: 10}) { itemId } }`,
        {
          v: vkAppId,
        },
      );
    }
    await data(
      `mutation { upsertSubscriptionPlan(vkAppId: ${SHOP}, input: {itemId: "vip", title: "VIP", price: 30, period: 30}) { itemId } }`,
    );
    // Events for the game backend are queued only while an endpoint is set (nothing listens there: they stay queued or fail).
    await data(`mutation { setFulfilmentEndpoint(vkAppId: ${SHOP}, input: {url: "http://127.0.0.1:9/hook"}) { signingSecret } }`);

    // USER in SHOP: three orders of 10 (the last refunded), a 30-vote subscription charge, and a test order of 10.
    await buy(USER, order++);
    await buy(USER, order++);
    const refunded = order++;
    await buy(USER, refunded);
    await buy(USER, refunded, { status: 'refunded' });
    await notify(SHOP, {
      notification_type: 'subscription_status_change',
      status: 'chargeable',
      subscription_id: 770001,
      user_id: USER,
      item_id: 'vip',
      item_price: 30,
      next_bill_time: 1790000000,
    });
    await buy(USER, order++, { notification_type: 'order_status_change_test' });
    // Someone else in SHOP, and USER in OTHER: neither may show on USER's page in SHOP.
    await buy(NEIGHBOUR, order++);
    await notify(SHOP, {
      notification_type: 'subscription_status_change',
      status: 'chargeable',
      subscription_id: 770002,
      user_id: NEIGHBOUR,
      item_id: 'vip',
      item_price: 30,
      next_bill_time: 1790000000,
    });
    await buy(USER, order++, { item_price: 10 }, OTHER);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('totals real payments exactly: paid, refunded and net votes, counts, first and last payment', async () => {
    const c = await customer(USER);
    expect({ vkAppId: c.vkAppId, vkUserId: c.vkUserId }).toEqual({ vkAppId: SHOP, vkUserId: USER });
    const real = c.orders.edges.map((e) => e.node).filter((n) => !n.test);
    const times = real.map((n) => n.createdAt).sort();
    expect(c.totals).toEqual({
      paidVotes: 60,
      refundedVotes: 10,
      netVotes: 50,
      payments: 4,
      refunds: 1,
      firstPaymentAt: times[0],
      lastPaymentAt: times.at(-1),
    });
  });

  it('keeps test payments out of the real totals and sums them apart', async () => {
    const c = await customer(USER);
    expect(c.testTotals).toMatchObject({ paidVotes: 10, refundedVotes: 0, netVotes: 10, payments: 1, refunds: 0 });
    expect(c.testTotals.firstPaymentAt).toBe(c.orders.edges.find((e) => e.node.test)!.node.createdAt);
    // The lists show both, marked (the filter narrows them as in `transactions`).
    expect(c.orders.totalCount).toBe(5);
    const realOnly = await data<{ customer: { orders: { totalCount: number } } }>(
      `query ($u: Int!) { customer(vkAppId: ${SHOP}, vkUserId: $u) { orders(filter: {test: false}) { totalCount } } }`,
      { u: USER },
    );
    expect(realOnly.customer.orders.totalCount).toBe(4);
  });

  it("lists only this user's orders, subscriptions, notifications and deliveries in this app", async () => {
    const c = await customer(USER);
    expect(new Set(c.orders.edges.map((e) => e.node.vkUserId))).toEqual(new Set([USER]));
    expect(c.subscriptions.edges.map((e) => e.node)).toEqual([{ vkUserId: USER, subscriptionId: '770001', status: 'CHARGEABLE' }]);
    // Six notifications of USER reached SHOP: 3 orders, the refund, the subscription charge, the test order.
    expect(c.notifications.totalCount).toBe(6);
    expect(new Set(c.notifications.edges.map((e) => e.node.vkUserId))).toEqual(new Set([USER]));
    // Five events: 3 paid (one of them also refunded), the subscription charge, the test order.
    expect(c.deliveries.edges.map((e) => e.node.eventType).sort()).toEqual(
      ['order.paid', 'order.paid', 'order.paid', 'order.paid', 'order.refunded', 'subscription.changed'].sort(),
    );
    for (const { node } of c.deliveries.edges) expect([node.vkUserId, node.payload.data.vkUserId]).toEqual([USER, USER]);
  });

  it("never shows another app's rows, even of the same user", async () => {
    const other = await customer(USER, OTHER);
    expect(other.totals).toMatchObject({ paidVotes: 10, payments: 1 });
    expect([other.orders.totalCount, other.subscriptions.totalCount, other.notifications.totalCount, other.deliveries.totalCount]).toEqual([
      1, 0, 1, 0,
    ]);
    const shop = await customer(USER);
    expect(shop.orders.edges.some((e) => e.node.orderId === String(order - 1))).toBe(false);
    // A key of the other app cannot open SHOP's customer at all.
    const key = await data<{ createApiKey: { token: string } }>(
      `mutation { createApiKey(vkAppId: ${OTHER}, role: ADMIN, label: "x") { token } }`,
    );
    const refused = await gql(CUSTOMER, { vkAppId: SHOP, vkUserId: USER }, key.createApiKey.token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.data).toBeNull();
  });

  it('a user with nothing recorded is an empty page, not an error', async () => {
    const c = await customer(999_999);
    expect(c.totals).toEqual({
      paidVotes: 0,
      refundedVotes: 0,
      netVotes: 0,
      payments: 0,
      refunds: 0,
      firstPaymentAt: null,
      lastPaymentAt: null,
    });
    expect([c.orders.totalCount, c.subscriptions.totalCount, c.notifications.totalCount, c.deliveries.totalCount]).toEqual([0, 0, 0, 0]);
  });

  it('pages each list newest first, with no row twice and none left out', async () => {
    const PAGED = `query ($u: Int!, $after: String) { customer(vkAppId: ${SHOP}, vkUserId: $u) {
      orders(first: 2, after: $after) { ${PAGE} edges { node { id } } }
      notifications(first: 2, after: $after) { ${PAGE} edges { node { id } } }
      deliveries(first: 2, after: $after) { ${PAGE} edges { node { id } } }
    } }`;
    for (const list of ['orders', 'notifications', 'deliveries'] as const) {
      const ids: number[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const c: Conn<{ id: string }> = (await data<{ customer: Record<string, Conn<{ id: string }>> }>(PAGED, { u: USER, after }))
          .customer[list]!;
        expect(c.edges.length).toBeLessThanOrEqual(2);
        ids.push(...c.edges.map((e) => Number(e.node.id)));
        if (!c.pageInfo.hasNextPage) break;
        after = c.pageInfo.endCursor;
      }
      const total = (await customer(USER))[list].totalCount;
      expect([list, ids.length]).toEqual([list, total]);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('refuses ids that are not positive, and a page size over the limit, as input errors naming the field', async () => {
    for (const [vars, field] of [
      [{ vkAppId: SHOP, vkUserId: 0 }, 'vkUserId'],
      [{ vkAppId: SHOP, vkUserId: -5 }, 'vkUserId'],
      [{ vkAppId: -1, vkUserId: USER }, 'vkAppId'],
    ] as const) {
      const r = await gql(CUSTOMER, vars);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // Beyond a GraphQL Int (VK's ids fit one): refused before it runs.
    const big = await gql(CUSTOMER, { vkAppId: SHOP, vkUserId: 2 ** 31 });
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooMany = await gql(`{ customer(vkAppId: ${SHOP}, vkUserId: ${USER}) { orders(first: 101) { totalCount } } }`);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const status = await gql(`{ customer(vkAppId: ${SHOP}, vkUserId: ${USER}) { deliveries(status: "lost") { totalCount } } }`);
    expect(status.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status' });
  });

  it('an unknown app is NOT_FOUND for root', async () => {
    const r = await gql(CUSTOMER, { vkAppId: 3499, vkUserId: USER });
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
