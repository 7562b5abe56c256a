/**
 * Money views end to end: the `transactions` summary, `paymentStats`, and the CSV downloads, over HTTP
 * against SQLite and PostgreSQL.
 *
 * Two kinds of data: payments made through the real endpoint (signed notifications), and rows inserted
 * directly with chosen createdAt/refundedAt. The endpoint stamps a transaction with the server clock
 * (createdAt = now, refundedAt = now; VK's `date` is kept apart as vkDate), so payments on chosen past
 * days — which per-day stats need — can only be had by inserting them.
 */
import type { EntityManager } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../src/apps/app.entity.js';
import { safeCell } from '../src/export/export.csv.js';
import { Transaction } from '../src/orders/transaction.entity.js';
import { DIALECTS, ROOT_TOKEN, SECRET, signed, startTestServer, type Dialect, type GqlResult, type TestServer } from './helpers.js';

/** Payments made through the endpoint. */
const SHOP = 3300;
/** Another app, whose key must not reach SHOP. */
const OTHER = 3301;
const OTHER_SECRET = 'OtherAppSecret-0123';
/** Rows seeded on chosen days, for stats. */
const STATS = 3302;
/** 5,000 seeded rows, for streaming. */
const LARGE = 3303;
/** Two huge payments whose sum does not fit a GraphQL Int. */
const HUGE = 3304;
const LARGE_ROWS = 5000;

const FORMULA_TITLE = '=1+2 gems';
const TRANSACTION_HEADER = 'appOrderId,orderId,subscriptionId,createdAt,vkUserId,itemId,title,price,status,refundedAt,test';
const STATS_HEADER = 'periodStart,revenue,itemsRevenue,subscriptionsRevenue,orders,refunds,payingUsers,arppu';

const SUMMARY = `query ($vkAppId: Int!, $filter: TransactionFilter, $first: Int) {
  transactions(vkAppId: $vkAppId, filter: $filter, first: $first) {
    totalCount edges { node { appOrderId } }
    summary { count votes credits { count votes } refunds { count votes } net }
  }
}`;
const STATS_QUERY = `query ($vkAppId: Int!, $from: DateTime!, $to: DateTime!, $granularity: StatsGranularity, $timeZone: String) {
  paymentStats(vkAppId: $vkAppId, from: $from, to: $to, granularity: $granularity, timeZone: $timeZone) {
    totals { periodStart periodEnd revenue itemsRevenue subscriptionsRevenue orders refunds payingUsers arppu }
    points { periodStart periodEnd revenue itemsRevenue subscriptionsRevenue orders refunds payingUsers arppu }
  }
}`;

interface Summary {
  count: number;
  votes: number;
  credits: { count: number; votes: number };
  refunds: { count: number; votes: number };
  net: number;
}
interface SummaryData {
  transactions: { totalCount: number; edges: { node: { appOrderId: number } }[]; summary: Summary };
}
interface Point {
  periodStart: string;
  periodEnd: string;
  revenue: number;
  itemsRevenue: number;
  subscriptionsRevenue: number;
  orders: number;
  refunds: number;
  payingUsers: number;
  arppu: number | null;
}
interface StatsData {
  paymentStats: { totals: Point; points: Point[] };
}

/** `[orders, refunds, revenue, itemsRevenue, subscriptionsRevenue, payingUsers, arppu]` of a point. */
const figures = (p: Point) => [p.orders, p.refunds, p.revenue, p.itemsRevenue, p.subscriptionsRevenue, p.payingUsers, p.arppu];

/** An instant given as Moscow wall time (UTC+3 all year). */
const msk = (wall: string): Date => new Date(`${wall}+03:00`);

interface Seed {
  vkUserId: number;
  price: number;
  createdAt: Date;
  refundedAt?: Date;
  subscription?: boolean;
  test?: boolean;
}

let nextOrder = 9_000_000;

async function insertRows(em: EntityManager, appId: number, seeds: Seed[]): Promise<void> {
  // In chunks: PostgreSQL takes at most 65,535 bound parameters per statement.
  for (let i = 0; i < seeds.length; i += 1000) {
    await em.insertMany(
      Transaction,
      seeds.slice(i, i + 1000).map((s) => {
        const key = String(nextOrder++);
        return {
          app: appId,
          test: s.test ?? false,
          orderId: s.subscription ? null : key,
          subscriptionId: s.subscription ? `sub-${key}` : null,
          billingKey: s.subscription ? key : null,
          vkUserId: s.vkUserId,
          itemId: s.subscription ? 'vip' : 'gem_pack',
          title: s.subscription ? 'VIP' : 'Gem pack',
          price: s.price,
          status: s.refundedAt ? ('refunded' as const) : ('chargeable' as const),
          createdAt: s.createdAt,
          refundedAt: s.refundedAt ?? null,
        };
      }),
    );
  }
}

/**
 * A download's bytes, checked to start with the UTF-8 BOM (Response.text() would silently drop it), split
 * into CSV lines (the cells used here hold no commas, quotes or line breaks).
 */
async function csvLines(res: Response): Promise<string[][]> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3)).split('\r\n');
  expect(lines.pop()).toBe('');
  return lines.map((l) => l.split(','));
}

describe('CSV cells', () => {
  it.each(['=1+2', '+7 gems', '-2+3', '@SUM(A1:A9)', '\tTAB', '\rCR'])(
    'a text cell starting like a formula (%j) gets a leading apostrophe',
    (value) => {
      expect(safeCell(value)).toBe(`'${value}`);
    },
  );

  it.each(['Gem pack', '100 votes', "'quoted", 'a=b', ''])('ordinary text (%j) is left alone', (value) => {
    expect(safeCell(value)).toBe(value);
  });
});

describe.each(DIALECTS)('money views (transactions summary, paymentStats, CSV export) on %s', (dialect: Dialect) => {
  let t: TestServer;
  let shopKey: string;
  let viewerKey: string;
  let otherKey: string;

  async function gql<T>(query: string, variables: Record<string, unknown> = {}, token: string | null = ROOT_TOKEN): Promise<GqlResult<T>> {
    return t.gql<T>(query, variables, token);
  }
  async function data<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await gql<T>(query, variables);
    expect(result.errors).toBeUndefined();
    return result.data!;
  }
  async function error(query: string, variables: Record<string, unknown> = {}, token: string | null = ROOT_TOKEN) {
    const result = await gql(query, variables, token);
    expect(result.errors).toHaveLength(1);
    return result.errors![0]!;
  }
  const summary = async (vkAppId: number, filter: Record<string, unknown> = {}, first = 20) =>
    (await data<SummaryData>(SUMMARY, { vkAppId, filter, first })).transactions;
  const stats = async (vkAppId: number, from: Date, to: Date, extra: Record<string, unknown> = {}) =>
    (await data<StatsData>(STATS_QUERY, { vkAppId, from: from.toISOString(), to: to.toISOString(), ...extra })).paymentStats;

  const download = (path: string, token: string | null = ROOT_TOKEN) =>
    fetch(`${t.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  async function createApp(vkAppId: number, secretKey = SECRET): Promise<void> {
    await data(`mutation ($input: CreateAppInput!) { createApp(input: $input) { vkAppId } }`, {
      input: { vkAppId, name: `App ${vkAppId}`, secretKey },
    });
  }
  async function createKey(vkAppId: number, role: string): Promise<string> {
    const d = await data<{ createApiKey: { token: string } }>(
      `mutation ($vkAppId: Int, $role: Role!) { createApiKey(vkAppId: $vkAppId, role: $role, label: "money test") { token } }`,
      { vkAppId, role },
    );
    return d.createApiKey.token;
  }
  async function appId(vkAppId: number): Promise<number> {
    return (await t.server.orm.em.fork().findOneOrFail(App, { vkAppId })).id;
  }

  let order = 7_000_000;
  async function pay(fields: Record<string, string | number>, secret = SECRET): Promise<void> {
    const res = await t.notify(signed({ app_id: SHOP, version: '5.132', ...fields }, secret));
    expect(res.json).toHaveProperty('response');
  }
  const buy = (orderId: number, user: number, item: 'gem_pack' | 'sword', extra: Record<string, string | number> = {}) =>
    pay({
      notification_type: 'order_status_change',
      status: 'chargeable',
      order_id: orderId,
      user_id: user,
      receiver_id: user,
      item,
      item_id: item,
      item_title: item === 'gem_pack' ? 'Gem pack' : 'Sword',
      item_price: item === 'gem_pack' ? 24 : 10,
      date: 1777636800,
      ...extra,
    });

  beforeAll(async () => {
    t = await startTestServer(dialect);
    for (const vkAppId of [SHOP, STATS, LARGE, HUGE]) await createApp(vkAppId);
    await createApp(OTHER, OTHER_SECRET);
    const item = `mutation ($vkAppId: Int!, $input: CatalogItemInput!) { upsertCatalogItem(vkAppId: $vkAppId, input: $input) { itemId } }`;
    await data(item, { vkAppId: SHOP, input: { itemId: 'gem_pack', title: 'Gem pack', price: 24 } });
    await data(item, { vkAppId: SHOP, input: { itemId: 'sword', title: 'Sword', price: 10 } });
    await data(
      `mutation ($vkAppId: Int!, $input: SubscriptionPlanInput!) { upsertSubscriptionPlan(vkAppId: $vkAppId, input: $input) { itemId } }`,
      {
        vkAppId: SHOP,
        input: { itemId: 'vip', title: 'VIP', price: 30, period: 30 },
      },
    );
    await data(item, { vkAppId: OTHER, input: { itemId: 'gem_pack', title: 'Gem pack', price: 24 } });

    // SHOP, through the endpoint: 4 real payments (one refunded, one a subscription charge), 1 test payment.
    await buy(order++, 501, 'gem_pack'); // 24
    const refundedOrder = order++;
    await buy(refundedOrder, 502, 'sword'); // 10, refunded below
    await buy(refundedOrder, 502, 'sword', { status: 'refunded' });
    await pay({
      notification_type: 'subscription_status_change',
      status: 'chargeable',
      subscription_id: 880001,
      user_id: 501,
      item_id: 'vip',
      item_price: 30,
      next_bill_time: 1780000000,
    }); // 30
    await buy(order++, 504, 'sword', { item_title: FORMULA_TITLE }); // 10
    await buy(order++, 503, 'gem_pack', { notification_type: 'order_status_change_test' }); // 24, test
    // OTHER's payment must never show up in SHOP's figures.
    await pay(
      {
        notification_type: 'order_status_change',
        status: 'chargeable',
        order_id: order++,
        user_id: 501,
        item: 'gem_pack',
        item_price: 24,
        app_id: OTHER,
      },
      OTHER_SECRET,
    );

    const em = t.server.orm.em.fork();
    // STATS, days in Moscow (May 1st 2026 is a Friday).
    await insertRows(em, await appId(STATS), [
      { vkUserId: 4, price: 15, createdAt: msk('2026-04-20T12:00:00'), refundedAt: msk('2026-05-02T10:00:00') },
      { vkUserId: 1, price: 20, createdAt: new Date('2026-04-30T21:30:00Z') }, // 00:30 on May 1st in Moscow
      { vkUserId: 1, price: 100, createdAt: msk('2026-05-01T09:00:00') },
      { vkUserId: 2, price: 50, createdAt: msk('2026-05-01T23:30:00'), subscription: true },
      { vkUserId: 3, price: 40, createdAt: msk('2026-05-03T12:00:00'), refundedAt: msk('2026-05-04T10:00:00') },
      { vkUserId: 1, price: 50, createdAt: msk('2026-05-04T08:00:00'), subscription: true },
      { vkUserId: 5, price: 77, createdAt: msk('2026-05-11T10:00:00') },
      // Test traffic on the same days: never counted.
      { vkUserId: 9, price: 500, createdAt: msk('2026-05-03T13:00:00'), test: true },
      { vkUserId: 9, price: 300, createdAt: msk('2026-04-25T13:00:00'), refundedAt: msk('2026-05-04T13:00:00'), test: true },
    ]);
    await insertRows(
      em,
      await appId(LARGE),
      Array.from({ length: LARGE_ROWS }, (_, i) => ({
        vkUserId: 10_000 + (i % 300),
        price: 1 + (i % 50),
        createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
      })),
    );
    await insertRows(em, await appId(HUGE), [
      { vkUserId: 1, price: 2_000_000_000, createdAt: msk('2026-05-01T10:00:00') },
      { vkUserId: 2, price: 2_000_000_000, createdAt: msk('2026-05-01T11:00:00') },
    ]);

    shopKey = await createKey(SHOP, 'PAYMENTS_ADMIN');
    viewerKey = await createKey(SHOP, 'VIEWER');
    otherKey = await createKey(OTHER, 'ADMIN');
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('transactions summary', () => {
    it('totals the whole filtered set, not the page, with credits and refunds split', async () => {
      const all = await summary(SHOP, {}, 1);
      expect(all.edges).toHaveLength(1);
      expect(all.totalCount).toBe(5);
      expect(all.summary).toEqual({ count: 5, votes: 98, credits: { count: 5, votes: 98 }, refunds: { count: 1, votes: 10 }, net: 88 });
    });

    it('leaves test payments out with test: false and shows only them with test: true', async () => {
      expect((await summary(SHOP, { test: false })).summary).toEqual({
        count: 4,
        votes: 74,
        credits: { count: 4, votes: 74 },
        refunds: { count: 1, votes: 10 },
        net: 64,
      });
      expect((await summary(SHOP, { test: true })).summary).toEqual({
        count: 1,
        votes: 24,
        credits: { count: 1, votes: 24 },
        refunds: { count: 0, votes: 0 },
        net: 24,
      });
    });

    it('respects status, user and item filters', async () => {
      expect((await summary(SHOP, { status: 'REFUNDED' })).summary).toEqual({
        count: 1,
        votes: 10,
        credits: { count: 1, votes: 10 },
        refunds: { count: 1, votes: 10 },
        net: 0,
      });
      expect((await summary(SHOP, { vkUserId: 501 })).summary).toMatchObject({
        count: 2,
        votes: 54,
        refunds: { count: 0, votes: 0 },
        net: 54,
      });
      expect((await summary(SHOP, { itemId: 'sword', test: false })).summary).toMatchObject({
        count: 2,
        votes: 20,
        refunds: { count: 1, votes: 10 },
        net: 10,
      });
    });

    it('is zero for a filter that matches nothing', async () => {
      expect((await summary(SHOP, { vkUserId: 1 })).summary).toEqual({
        count: 0,
        votes: 0,
        credits: { count: 0, votes: 0 },
        refunds: { count: 0, votes: 0 },
        net: 0,
      });
    });

    it('refuses a votes sum beyond a GraphQL Int instead of answering a wrong number', async () => {
      const e = await error(SUMMARY, { vkAppId: HUGE, filter: {} });
      expect(e.extensions?.code).toBe('BAD_USER_INPUT');
      expect(e.message).toMatch(/exceeds 2147483647/);
    });
  });

  describe('paymentStats', () => {
    const MAY_1 = msk('2026-05-01T00:00:00');
    const MAY_6 = msk('2026-05-06T00:00:00');

    it('gives per-day revenue, orders, refunds, paying users and ARPPU in Moscow days, empty days with zeros, test excluded', async () => {
      const s = await stats(STATS, MAY_1, MAY_6);
      expect(s.points.map((p) => p.periodStart)).toEqual([
        '2026-04-30T21:00:00.000Z',
        '2026-05-01T21:00:00.000Z',
        '2026-05-02T21:00:00.000Z',
        '2026-05-03T21:00:00.000Z',
        '2026-05-04T21:00:00.000Z',
      ]);
      expect(s.points.map(figures)).toEqual([
        [3, 0, 170, 120, 50, 2, 85], // May 1: 20 (00:30 Moscow, still April in UTC) + 100 + a 50 subscription
        [0, 1, -15, -15, 0, 0, null], // May 2: refund of an April payment
        [1, 0, 40, 40, 0, 1, 40], // May 3
        [1, 1, 10, -40, 50, 1, 10], // May 4: a subscription charge, and May 3's payment refunded
        [0, 0, 0, 0, 0, 0, null], // May 5: nothing
      ]);
      expect(s.totals).toEqual({
        periodStart: '2026-04-30T21:00:00.000Z',
        periodEnd: '2026-05-05T21:00:00.000Z',
        revenue: 205,
        itemsRevenue: 105,
        subscriptionsRevenue: 100,
        orders: 5,
        refunds: 2,
        payingUsers: 3,
        arppu: 68.33,
      });
    });

    it('follows the requested time zone: in UTC the 00:30 Moscow payment is on April 30th', async () => {
      const s = await stats(STATS, new Date('2026-04-30T00:00:00Z'), new Date('2026-05-02T00:00:00Z'), { timeZone: 'UTC' });
      expect(s.points.map((p) => [p.periodStart, p.orders, p.revenue])).toEqual([
        ['2026-04-30T00:00:00.000Z', 1, 20],
        ['2026-05-01T00:00:00.000Z', 2, 150],
      ]);
    });

    it('buckets by weeks starting on Monday', async () => {
      const s = await stats(STATS, MAY_1, MAY_6, { granularity: 'WEEK' });
      expect(s.points.map((p) => p.periodStart)).toEqual(['2026-04-26T21:00:00.000Z', '2026-05-03T21:00:00.000Z']);
      expect(s.points.map(figures)).toEqual([
        [4, 1, 195, 145, 50, 3, 65],
        [1, 1, 10, -40, 50, 1, 10],
      ]);
    });

    it('buckets by calendar months in the zone', async () => {
      const s = await stats(STATS, msk('2026-04-15T00:00:00'), MAY_6, { granularity: 'MONTH' });
      expect(s.points.map((p) => [p.periodStart, p.periodEnd])).toEqual([
        ['2026-03-31T21:00:00.000Z', '2026-04-30T21:00:00.000Z'],
        ['2026-04-30T21:00:00.000Z', '2026-05-31T21:00:00.000Z'],
      ]);
      expect(s.points.map(figures)).toEqual([
        [1, 0, 15, 15, 0, 1, 15],
        [6, 2, 282, 182, 100, 4, 70.5], // includes May 11th: a month period is the whole month
      ]);
      expect(s.totals).toMatchObject({ orders: 7, refunds: 2, revenue: 297, payingUsers: 5, arppu: 59.4 });
    });

    it('counts payments made through the endpoint, never test ones', async () => {
      const now = new Date();
      const s = await stats(SHOP, new Date(now.getTime() - 86_400_000), new Date(now.getTime() + 86_400_000), { timeZone: 'UTC' });
      expect(s.totals).toMatchObject({ orders: 4, refunds: 1, revenue: 64, itemsRevenue: 34, subscriptionsRevenue: 30, payingUsers: 3 });
    });

    it.each([
      ['to not after from', { from: '2026-05-02T00:00:00Z', to: '2026-05-01T00:00:00Z' }, 'to'],
      ['an unknown time zone', { from: '2026-05-01T00:00:00Z', to: '2026-05-02T00:00:00Z', timeZone: 'Europe/Atlantis' }, 'timeZone'],
      ['more than 366 days', { from: '2025-01-01T00:00:00Z', to: '2026-05-02T00:00:00Z' }, 'to'],
      ['more than 120 months', { from: '2016-01-01T00:00:00Z', to: '2026-05-02T00:00:00Z', granularity: 'MONTH' }, 'to'],
    ])('answers BAD_USER_INPUT naming the argument for %s', async (_case, variables, field) => {
      const e = await error(STATS_QUERY, { vkAppId: STATS, ...variables });
      expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });

    it("is FORBIDDEN to a viewer and to another app's key", async () => {
      const vars = { vkAppId: SHOP, from: '2026-05-01T00:00:00Z', to: '2026-05-02T00:00:00Z' };
      expect((await error(STATS_QUERY, vars, viewerKey)).extensions?.code).toBe('FORBIDDEN');
      expect((await error(STATS_QUERY, vars, otherKey)).extensions?.code).toBe('FORBIDDEN');
      expect((await gql(STATS_QUERY, vars, shopKey)).errors).toBeUndefined();
    });
  });

  describe('CSV export', () => {
    it('downloads the transactions with a bearer token: BOM, header, every row, a filename', async () => {
      const res = await download(`/export/transactions.csv?vkAppId=${SHOP}`, shopKey);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="transactions-${SHOP}-start-now.csv"`);
      const [header, ...rows] = await csvLines(res);
      expect(header!.join(',')).toBe(TRANSACTION_HEADER);
      expect(rows).toHaveLength(5);
      const ids = rows.map((r) => Number(r[0]));
      expect(ids).toEqual([...ids].sort((a, b) => b - a)); // newest first, as in GraphQL
      const byUser = (user: string) => rows.filter((r) => r[4] === user);
      expect(byUser('502')[0]).toEqual([
        expect.any(String),
        expect.any(String),
        '',
        expect.stringMatching(/Z$/),
        '502',
        'sword',
        'Sword',
        '10',
        'REFUNDED',
        expect.stringMatching(/Z$/),
        'false',
      ]);
      expect(byUser('501').find((r) => r[2] === '880001')).toEqual([
        expect.any(String),
        '',
        '880001',
        expect.any(String),
        '501',
        'vip',
        'VIP',
        '30',
        'CHARGEABLE',
        '',
        'false',
      ]);
      expect(byUser('503')[0]![10]).toBe('true');
    });

    it('neutralises a title that a spreadsheet would run as a formula', async () => {
      const rows = await csvLines(await download(`/export/transactions.csv?vkAppId=${SHOP}&vkUserId=504`));
      expect(rows[1]![6]).toBe(`'${FORMULA_TITLE}`);
    });

    it('applies the same filter as transactions, and names the period in the filename', async () => {
      const res = await download(
        `/export/transactions.csv?vkAppId=${SHOP}&test=false&status=refunded&from=2020-01-01T00:00:00Z&to=2099-01-01T12:30:00Z`,
      );
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="transactions-${SHOP}-2020-01-01-2099-01-01T12-30.csv"`);
      const [, ...rows] = await csvLines(res);
      expect(rows.map((r) => [r[4], r[8]])).toEqual([['502', 'REFUNDED']]);
      const tests = await csvLines(await download(`/export/transactions.csv?vkAppId=${SHOP}&test=true`));
      expect(tests.slice(1).map((r) => r[4])).toEqual(['503']);
    });

    it('streams a 5,000-row export completely, in order, without a precomputed length', async () => {
      const res = await download(`/export/transactions.csv?vkAppId=${LARGE}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBeNull();
      const [, ...rows] = await csvLines(res);
      expect(rows).toHaveLength(LARGE_ROWS);
      const ids = rows.map((r) => Number(r[0]));
      expect(new Set(ids).size).toBe(LARGE_ROWS);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(rows.reduce((sum, r) => sum + Number(r[7]), 0)).toBe((await summary(LARGE)).summary.votes);
    });

    it('downloads stats per Moscow day with local period starts and empty days', async () => {
      const from = encodeURIComponent('2026-05-01T00:00:00+03:00');
      const to = encodeURIComponent('2026-05-06T00:00:00+03:00');
      const res = await download(`/export/stats.csv?vkAppId=${STATS}&from=${from}&to=${to}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="stats-${STATS}-2026-05-01-2026-05-06.csv"`);
      const [header, ...rows] = await csvLines(res);
      expect(header!.join(',')).toBe(STATS_HEADER);
      expect(rows).toEqual([
        ['2026-05-01T00:00:00+03:00', '170', '120', '50', '3', '0', '2', '85'],
        ['2026-05-02T00:00:00+03:00', '-15', '-15', '0', '0', '1', '0', ''],
        ['2026-05-03T00:00:00+03:00', '40', '40', '0', '1', '0', '1', '40'],
        ['2026-05-04T00:00:00+03:00', '10', '-40', '50', '1', '1', '1', '10'],
        ['2026-05-05T00:00:00+03:00', '0', '0', '0', '0', '0', '0', ''],
      ]);
    });

    it('downloads weekly stats in the time zone asked for', async () => {
      const res = await download(
        `/export/stats.csv?vkAppId=${STATS}&from=2026-05-01T00:00:00Z&to=2026-05-06T00:00:00Z&granularity=week&timeZone=UTC`,
      );
      const [, ...rows] = await csvLines(res);
      expect(rows.map((r) => r[0])).toEqual(['2026-04-27T00:00:00+00:00', '2026-05-04T00:00:00+00:00']);
    });

    it.each([
      ['no token', null, 401, 'UNAUTHENTICATED'],
      ['a token that is not valid', 'vkp_key_not-a-real-token', 401, 'UNAUTHENTICATED'],
      ["another app's key", 'other', 403, 'FORBIDDEN'],
      ['a viewer key', 'viewer', 403, 'FORBIDDEN'],
    ] as const)('refuses %s with %i and a JSON error', async (_case, token, status, code) => {
      const bearer = token === 'other' ? otherKey : token === 'viewer' ? viewerKey : token;
      for (const path of [
        `/export/transactions.csv?vkAppId=${SHOP}`,
        `/export/stats.csv?vkAppId=${SHOP}&from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z`,
      ]) {
        const res = await download(path, bearer);
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
      }
    });

    it.each([
      ['a missing vkAppId', '/export/transactions.csv', 'vkAppId'],
      ['a test flag that is not a boolean', `/export/transactions.csv?vkAppId=${SHOP}&test=maybe`, 'test'],
      ['a date that is not ISO 8601', `/export/transactions.csv?vkAppId=${SHOP}&from=yesterday`, 'from'],
      ['a stats range without to', `/export/stats.csv?vkAppId=${SHOP}&from=2026-05-01T00:00:00Z`, 'to'],
      [
        'an unknown time zone',
        `/export/stats.csv?vkAppId=${SHOP}&from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z&timeZone=Nowhere`,
        'timeZone',
      ],
    ])('answers 400 BAD_USER_INPUT naming the parameter for %s', async (_case, path, field) => {
      const res = await download(path);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field } });
    });

    it('answers 404 NOT_FOUND for an app that does not exist', async () => {
      const res = await download('/export/transactions.csv?vkAppId=99999');
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    });

    it('never puts the app secret into an export', async () => {
      const bodies = await Promise.all([
        download(`/export/transactions.csv?vkAppId=${SHOP}`).then((r) => r.text()),
        download(`/export/stats.csv?vkAppId=${SHOP}&from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z`).then((r) => r.text()),
      ]);
      for (const body of bodies) expect(body).not.toContain(SECRET);
    });
  });
});
