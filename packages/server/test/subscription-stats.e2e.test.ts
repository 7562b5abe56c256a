/**
 * `subscriptionStats` end to end on SQLite and PostgreSQL: a scripted sequence of signed
 * subscription_status_change notifications through the real endpoint (new, renewals, a repeat, a
 * cancellation for each reason, a pending one, one coming back, test ones), then every figure of every day.
 *
 * The endpoint stamps each change with the server clock; per-day figures need changes on chosen days, so
 * after each notification the history rows it wrote get the script's time (as money.e2e.test.ts inserts
 * payments on chosen days). Nothing else is touched: states, charges and history are the endpoint's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionEvent } from '../src/subscriptions/subscription-event.entity.js';
import { DIALECTS, ROOT_TOKEN, signed, startTestServer, type Dialect, type TestServer } from './helpers.js';

const APP = 3400;
const TESTER = 509;

const QUERY = `query ($vkAppId: Int!, $from: DateTime!, $to: DateTime!, $granularity: StatsGranularity, $timeZone: String) {
  subscriptionStats(vkAppId: $vkAppId, from: $from, to: $to, granularity: $granularity, timeZone: $timeZone) {
    totals { ...f } points { ...f }
  }
}
fragment f on SubscriptionStatsPoint {
  periodStart periodEnd active activeSubscribers monthlyRecurringVotes new renewed resumed cancelled cancelledPending
  cancelReasons { userDecision appDecision paymentFail unknown }
}`;

interface Point {
  periodStart: string;
  periodEnd: string;
  active: number;
  activeSubscribers: number;
  monthlyRecurringVotes: number;
  new: number;
  renewed: number;
  resumed: number;
  cancelled: number;
  cancelledPending: number;
  cancelReasons: { userDecision: number; appDecision: number; paymentFail: number; unknown: number };
}

const unix = (iso: string): number => Date.parse(iso) / 1000;

/** `[active, subscribers, MRR, new, renewed, resumed, cancelled, pending, user, app, payment_fail, unknown]`. */
const figures = (p: Point) => [
  p.active,
  p.activeSubscribers,
  p.monthlyRecurringVotes,
  p.new,
  p.renewed,
  p.resumed,
  p.cancelled,
  p.cancelledPending,
  p.cancelReasons.userDecision,
  p.cancelReasons.appDecision,
  p.cancelReasons.paymentFail,
  p.cancelReasons.unknown,
];

describe.each(DIALECTS)('subscriptionStats on %s', (dialect: Dialect) => {
  let t: TestServer;
  let lastEvent = 0;

  async function root<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const r = await t.gql<T>(query, variables);
    expect(r.errors).toBeUndefined();
    return r.data!;
  }

  /** Sends one change as VK would, then dates the history rows it wrote at `at`. */
  async function change(at: string, fields: Record<string, string | number>, test = false): Promise<void> {
    const res = await t.notify(
      signed({
        app_id: APP,
        version: '5.132',
        notification_type: test ? 'subscription_status_change_test' : 'subscription_status_change',
        ...fields,
      }),
    );
    expect(res.json).toHaveProperty('response');
    const em = t.server.orm.em.fork();
    const written = await em.find(SubscriptionEvent, { id: { $gt: lastEvent } }, { orderBy: { id: 'asc' } });
    if (written.length === 0) return;
    await em.nativeUpdate(SubscriptionEvent, { id: { $in: written.map((e) => e.id) } }, { occurredAt: new Date(at) });
    lastEvent = written.at(-1)!.id;
  }
  const charge = (at: string, sub: number, user: number, plan: 'month' | 'week', nextBill: string, test = false) =>
    change(
      at,
      {
        subscription_id: sub,
        user_id: user,
        item_id: plan,
        status: 'chargeable',
        item_price: plan === 'month' ? 30 : 10,
        next_bill_time: unix(nextBill),
      },
      test,
    );
  const cancel = (at: string, sub: number, user: number, plan: 'month' | 'week', extra: Record<string, string | number>, test = false) =>
    change(at, { subscription_id: sub, user_id: user, item_id: plan, status: 'cancelled', ...extra }, test);

  const stats = async (from: string, to: string, extra: Record<string, unknown> = {}) =>
    (await root<{ subscriptionStats: { totals: Point; points: Point[] } }>(QUERY, { vkAppId: APP, from, to, timeZone: 'UTC', ...extra }))
      .subscriptionStats;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    await root(`mutation { createApp(input: {vkAppId: ${APP}, name: "Subs", secretKey: "AbCdEf0123456789XyZw"}) { vkAppId } }`);
    // 30 votes per 30 days (monthly: 30) and 10 votes per 7 days (monthly: 42.857…).
    await root(
      `mutation { upsertSubscriptionPlan(vkAppId: ${APP}, input: {itemId: "month", title: "Month", price: 30, period: 30}) { itemId } }`,
    );
    await root(
      `mutation { upsertSubscriptionPlan(vkAppId: ${APP}, input: {itemId: "week", title: "Week", price: 10, period: 7}) { itemId } }`,
    );
    await root(`mutation { addPaymentTester(vkAppId: ${APP}, vkUserId: ${TESTER}) { vkUserId } }`);

    // Before the range: subscription 1 is active when it starts.
    await charge('2026-04-30T10:00:00Z', 1, 501, 'month', '2026-05-30T10:00:00Z');
    // May 1: three new (user 501 now has two), a test one, and a repeat of a charge.
    await charge('2026-05-01T09:00:00Z', 2, 502, 'week', '2026-05-08T09:00:00Z');
    await charge('2026-05-01T10:00:00Z', 3, 503, 'month', '2026-05-31T10:00:00Z');
    await charge('2026-05-01T11:00:00Z', 4, 501, 'week', '2026-05-08T11:00:00Z');
    await charge('2026-05-01T12:00:00Z', 90, TESTER, 'week', '2026-05-08T12:00:00Z', true);
    await charge('2026-05-01T12:30:00Z', 2, 502, 'week', '2026-05-08T09:00:00Z');
    // May 2: a renewal; the user cancels 3, paid until noon on May 3; the app cancels 4 outright.
    await charge('2026-05-02T09:00:00Z', 2, 502, 'week', '2026-05-15T09:00:00Z');
    await cancel('2026-05-02T10:00:00Z', 3, 503, 'month', {
      cancel_reason: 'user_decision',
      pending_cancel: 1,
      next_bill_time: unix('2026-05-03T12:00:00Z'),
    });
    await cancel('2026-05-02T11:00:00Z', 4, 501, 'week', { cancel_reason: 'app_decision' });
    // May 3: a new one VK cancels for lack of votes; 1 cancelled for a reason VK has not defined; a test cancellation.
    await charge('2026-05-03T09:00:00Z', 5, 505, 'month', '2026-06-02T09:00:00Z');
    await cancel('2026-05-03T10:00:00Z', 5, 505, 'month', { cancel_reason: 'payment_fail' });
    await cancel('2026-05-03T11:00:00Z', 1, 501, 'month', { cancel_reason: 'reason_from_the_future' });
    await cancel('2026-05-03T12:00:00Z', 90, TESTER, 'week', { cancel_reason: 'user_decision' }, true);
    // May 4: 5 comes back with a charge; 4's cancellation arrives again.
    await charge('2026-05-04T09:00:00Z', 5, 505, 'month', '2026-06-04T09:00:00Z');
    await cancel('2026-05-04T11:00:00Z', 4, 501, 'week', { cancel_reason: 'app_decision' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows each day what happened to real subscriptions, who was subscribed at its end and the monthly votes', async () => {
    const s = await stats('2026-05-01T00:00:00Z', '2026-05-05T00:00:00Z');
    expect(s.points.map((p) => p.periodStart)).toEqual([
      '2026-05-01T00:00:00.000Z',
      '2026-05-02T00:00:00.000Z',
      '2026-05-03T00:00:00.000Z',
      '2026-05-04T00:00:00.000Z',
    ]);
    expect(s.points.map(figures)).toEqual([
      // 1, 2, 3, 4 active (users 501, 502, 503): 30 + 42.86 + 30 + 42.86 = 145.71
      [4, 3, 146, 3, 0, 0, 0, 0, 0, 0, 0, 0],
      // 3 still paid up: 1, 2, 3 (30 + 42.86 + 30)
      [3, 3, 103, 0, 1, 0, 2, 1, 1, 1, 0, 0],
      // 3's paid period ended at noon; 5 came and went; 1 cancelled: only 2
      [1, 1, 43, 1, 0, 0, 2, 0, 0, 0, 1, 1],
      // 5 back: 2 and 5
      [2, 2, 73, 0, 1, 1, 0, 0, 0, 0, 0, 0],
    ]);
    expect(figures(s.totals)).toEqual([2, 2, 73, 4, 2, 1, 4, 1, 1, 1, 1, 1]);
    expect([s.totals.periodStart, s.totals.periodEnd]).toEqual(['2026-05-01T00:00:00.000Z', '2026-05-05T00:00:00.000Z']);
  });

  it('counts subscriptions by week in the same calendar periods as payment stats', async () => {
    // Monday 27 April to Sunday 10 May, Moscow time (UTC+3): everything falls in the first week.
    const s = await stats('2026-04-27T00:00:00+03:00', '2026-05-11T00:00:00+03:00', { granularity: 'WEEK', timeZone: 'Europe/Moscow' });
    expect(s.points.map((p) => p.periodStart)).toEqual(['2026-04-26T21:00:00.000Z', '2026-05-03T21:00:00.000Z']);
    // Week 1 holds 1's start too (30 April, 13:00 Moscow); at its end (3 May, 23:59 Moscow) only 2 is active.
    expect(s.points.map(figures)).toEqual([
      [1, 1, 43, 5, 1, 0, 4, 1, 1, 1, 1, 1],
      [2, 2, 73, 0, 1, 1, 0, 0, 0, 0, 0, 0],
    ]);
  });

  it('keeps a period before any subscription at zero', async () => {
    const s = await stats('2026-04-01T00:00:00Z', '2026-04-03T00:00:00Z');
    expect(s.points.map(figures)).toEqual([Array(12).fill(0), Array(12).fill(0)]);
  });

  it('refuses a bad range naming the argument, and an app the token cannot see', async () => {
    const bad = await t.gql(QUERY, { vkAppId: APP, from: '2026-05-02T00:00:00Z', to: '2026-05-01T00:00:00Z' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    const missing = await t.gql(QUERY, { vkAppId: 999_999, from: '2026-05-01T00:00:00Z', to: '2026-05-02T00:00:00Z' }, ROOT_TOKEN);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('downloads the days as CSV with local period starts and one column per cancellation reason, for payments roles only', async () => {
    const path = `/export/subscription-stats.csv?vkAppId=${APP}&from=2026-05-01T00:00:00Z&to=2026-05-05T00:00:00Z&timeZone=UTC`;
    const get = (token: string | null) => fetch(`${t.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const res = await get(ROOT_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="subscription-stats-${APP}-2026-05-01-2026-05-05.csv"`);
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines).toEqual([
      'periodStart,active,activeSubscribers,monthlyRecurringVotes,new,renewed,resumed,cancelled,cancelledPending,userDecision,appDecision,paymentFail,unknown',
      '2026-05-01T00:00:00+00:00,4,3,146,3,0,0,0,0,0,0,0,0',
      '2026-05-02T00:00:00+00:00,3,3,103,0,1,0,2,1,1,1,0,0',
      '2026-05-03T00:00:00+00:00,1,1,43,1,0,0,2,0,0,0,1,1',
      '2026-05-04T00:00:00+00:00,2,2,73,0,1,1,0,0,0,0,0,0',
    ]);
    const viewer = await root<{ createApiKey: { token: string } }>(
      `mutation { createApiKey(vkAppId: ${APP}, role: VIEWER, label: "viewer") { token } }`,
    );
    for (const [token, status] of [
      [null, 401],
      [viewer.createApiKey.token, 403],
    ] as const) {
      expect((await get(token)).status).toBe(status);
    }
  });
});
