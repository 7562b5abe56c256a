/**
 * What the widget's Deliveries view and a support script do with fulfilment deliveries, over real HTTP on
 * both stores, against a real game backend (game-backend.ts): filter them by status and event, read the
 * attempt log, resend every failed one, and rotate the webhook's signing secret.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSql } from '../src/db/sql.js';
import { GameBackend } from './game-backend.js';
import { DIALECTS, SECRET, signed, startTestServer, type GqlResult, type TestServer, until } from './helpers.js';

const APP = 72345;
/** One retry, quickly: a delivery the backend refuses twice is failed within a fraction of a second. */
const ENV = { VKP_FULFILMENT_RETRY_DELAYS: '0.05', VKP_ALLOW_PRIVATE_URLS: '127.0.0.1' };

interface Attempt {
  attemptedAt: string;
  httpStatus: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
}
interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  attemptLog: Attempt[];
}

describe.each(DIALECTS)('fulfilment deliveries on %s', (dialect) => {
  const game = new GameBackend();
  let t: TestServer;
  let order = 900_000;

  async function data<T>(query: string, token?: string): Promise<T> {
    const r = await t.gql<T>(query, {}, token);
    if (r.errors) throw new Error(`${query}: ${JSON.stringify(r.errors)}`);
    return r.data!;
  }

  /** A paid order of user `user`, and its refund when `refund`; the app order id. */
  async function pay(user: number, refund = false): Promise<number> {
    const fields = {
      app_id: APP,
      user_id: user,
      notification_type: 'order_status_change',
      status: 'chargeable',
      item: 'gem_pack',
      item_price: 10,
      order_id: ++order,
      version: '5.132',
    };
    const answer = (await t.notify(signed(fields))).json as { response: { app_order_id: number } };
    if (refund) await t.notify(signed({ ...fields, status: 'refunded' }));
    return answer.response.app_order_id;
  }

  const list = async (args: string, token?: string): Promise<Delivery[]> =>
    (
      await data<{ fulfilmentDeliveries: { edges: { node: Delivery }[] } }>(
        `{ fulfilmentDeliveries(vkAppId: ${APP}, first: 100${args}) { edges { node { id eventId eventType status attempts
          attemptLog { attemptedAt httpStatus durationMs error responseBody } } } } }`,
        token,
      )
    ).fulfilmentDeliveries.edges.map((e) => e.node);

  /** Waits until every event in `eventIds` has `status`. */
  const settled = (eventIds: string[], status: string): Promise<Delivery[]> =>
    until(`${eventIds.join(', ')} ${status}`, async () => {
      const found = (await list('')).filter((d) => eventIds.includes(d.eventId));
      return found.length === eventIds.length && found.every((d) => d.status === status) && found;
    });

  beforeAll(async () => {
    await game.start();
    t = await startTestServer(dialect, ENV);
    await data(`mutation { createApp(input: {vkAppId: ${APP}, name: "Game", secretKey: "${SECRET}"}) { vkAppId } }`);
    await data(`mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`);
    const set = await data<{ setFulfilmentEndpoint: { signingSecret: string } }>(
      `mutation { setFulfilmentEndpoint(vkAppId: ${APP}, input: {url: "${game.url}"}) { signingSecret } }`,
    );
    game.secret = set.setFulfilmentEndpoint.signingSecret;
  });
  afterEach(() => {
    game.answer = () => 200;
    game.body = (status) => (status < 300 ? 'granted' : 'not now');
  });
  afterAll(async () => {
    await t?.close();
    await game.stop();
  });

  it('lists deliveries by event and status, and refuses an event or status it does not know, naming the argument', async () => {
    game.answer = () => 500;
    const user = 601;
    const paid = await pay(user);
    const refunded = await pay(user, true);
    const ids = [`msg_paid_${paid}`, `msg_paid_${refunded}`, `msg_refunded_${refunded}`];
    await settled(ids, 'failed');

    const refunds = await list(', eventType: "order.refunded"');
    expect(refunds.map((d) => d.eventId)).toContain(`msg_refunded_${refunded}`);
    expect(refunds.every((d) => d.eventType === 'order.refunded')).toBe(true);
    const failedPaid = await list(', eventType: "order.paid", status: "failed"');
    expect(failedPaid.map((d) => d.eventId)).toEqual(expect.arrayContaining([`msg_paid_${paid}`, `msg_paid_${refunded}`]));
    expect(failedPaid.every((d) => d.eventType === 'order.paid' && d.status === 'failed')).toBe(true);
    expect(await list(', eventType: "order.refunded", status: "delivered"')).toEqual([]);

    for (const [arg, field, values] of [
      ['eventType: "order.payed"', 'eventType', ['order.paid', 'order.refunded', 'subscription.changed']],
      ['status: "lost"', 'status', ['pending', 'delivered', 'failed']],
    ] as const) {
      const r = await t.gql(`{ fulfilmentDeliveries(vkAppId: ${APP}, ${arg}) { totalCount } }`);
      expect(r.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field, params: { reason: 'notOneOf', values } });
    }
  });

  it('the attempt log gives time, HTTP status, duration, and the start of the answer, and its latest attempts when asked for fewer', async () => {
    game.answer = () => 503;
    game.body = () => `busy ${'x'.repeat(10_000)}`;
    const eventId = `msg_paid_${await pay(602)}`;
    const [failed] = await settled([eventId], 'failed');
    expect(failed!.attempts).toBe(2);
    for (const a of failed!.attemptLog) {
      expect(a.httpStatus).toBe(503);
      expect(a.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(a.attemptedAt)).not.toBeNaN();
      // An excerpt: a backend cannot fill the database, or the page, with its answer.
      expect(a.responseBody!.startsWith('busy xxx')).toBe(true);
      expect(a.responseBody!.length).toBe(2048);
    }
    const latest = await data<{ fulfilmentDeliveries: { edges: { node: { attemptLog: Attempt[] } }[] } }>(
      `{ fulfilmentDeliveries(vkAppId: ${APP}, first: 1) { edges { node { attemptLog(last: 1) { attemptedAt } } } } }`,
    );
    expect(latest.fulfilmentDeliveries.edges[0]!.node.attemptLog).toEqual([{ attemptedAt: failed!.attemptLog[1]!.attemptedAt }]);
    const tooMany = await t.gql(`{ fulfilmentDeliveries(vkAppId: ${APP}, first: 1) { edges { node { attemptLog(last: 101) { id } } } } }`);
    expect(tooMany.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'last',
      params: { reason: 'outOfRange', min: 1, max: 100 },
    });
  });

  it('"resend all failed" sends each failed delivery once more, of the event asked for; a repeat right away is refused, saying when', async () => {
    game.answer = () => 500;
    const paid = [await pay(603), await pay(603)];
    const refunded = await pay(603, true);
    const paidIds = [...paid, refunded].map((id) => `msg_paid_${id}`);
    const refundId = `msg_refunded_${refunded}`;
    await settled([...paidIds, refundId], 'failed');
    // Failed deliveries of earlier tests are resent too: count only this test's own.
    const failedBefore = (await list(', status: "failed", eventType: "order.paid"')).length;

    game.answer = () => 200;
    const resend = `mutation { r: resendFailedFulfilmentDeliveries(vkAppId: ${APP}, eventType: "order.paid") { resent remaining } }`;
    const first = await data<{ r: { resent: number; remaining: number } }>(resend);
    expect(first.r).toEqual({ resent: failedBefore, remaining: 0 });
    // A repeat right away (a double click, or a script in a loop while the backend is down) is refused,
    // saying when to try again; the first call's work goes on.
    const repeat = await t.gql(resend);
    expect(repeat.data).toBeNull();
    expect(repeat.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const { retryAfterSeconds } = repeat.errors![0]!.extensions as { retryAfterSeconds: number };
    expect(retryAfterSeconds).toBeGreaterThan(50);
    expect(retryAfterSeconds).toBeLessThanOrEqual(60);
    const delivered = await settled(paidIds, 'delivered');
    expect(delivered.map((d) => d.attemptLog.map((a) => a.httpStatus))).toEqual(paidIds.map(() => [500, 500, 200]));
    // Two refused attempts and one resend each, all signed.
    expect(paidIds.map((id) => game.received.filter((r) => r.id === id && r.signatureValid).length)).toEqual(paidIds.map(() => 3));
    // The refund was not asked for: still failed, with its two attempts.
    const [refund] = await list(', eventType: "order.refunded", status: "failed"');
    expect(refund).toMatchObject({ eventId: refundId, attempts: 2 });

    const bad = await t.gql(`mutation { resendFailedFulfilmentDeliveries(vkAppId: ${APP}, eventType: "everything") { resent } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'eventType' });
  });

  it('a delivery resent again and again keeps its newest 100 attempts, and counts every one', async () => {
    game.answer = () => 500;
    const eventId = `msg_paid_${await pay(605)}`;
    const [failed] = await settled([eventId], 'failed');
    // 120 earlier attempts, seeded: the API would take minutes to make them.
    const sql = openSql(t.database);
    try {
      const row = await sql.one('select id from fulfilment_deliveries where event_id = ?', [eventId]);
      for (let i = 0; i < 118; i++) {
        await sql.run('insert into fulfilment_attempts (delivery_id, attempted_at, http_status, duration_ms) values (?, ?, ?, ?)', [
          Number(row!.id),
          new Date(),
          400 + i,
          1,
        ]);
      }
      await sql.run('update fulfilment_deliveries set attempts = 120 where id = ?', [Number(row!.id)]);
      await data(`mutation { resendFulfilmentDelivery(id: "${failed!.id}") { id } }`);
      const after = await until('the resend', async () => {
        const [d] = (await list(', status: "failed"')).filter((x) => x.eventId === eventId && x.attempts === 121);
        return d;
      });
      expect(after.attempts).toBe(121);
      const rows = await sql.all('select http_status from fulfilment_attempts where delivery_id = ? order by id', [Number(row!.id)]);
      expect(rows.map((r) => Number(r.http_status))).toEqual([...Array.from({ length: 99 }, (_, i) => 419 + i), 500]);
      const log = await data<{ fulfilmentDeliveries: { edges: { node: { attemptLog: Attempt[] } }[] } }>(
        `{ fulfilmentDeliveries(vkAppId: ${APP}, first: 1) { edges { node { attemptLog(last: 100) { httpStatus } } } } }`,
      );
      expect(log.fulfilmentDeliveries.edges[0]!.node.attemptLog.map((a) => a.httpStatus)).toEqual(rows.map((r) => Number(r.http_status)));
    } finally {
      await sql.close();
    }
  });

  it('a secret rotated with no overlap is shown once and signs the next delivery; the old one no longer verifies, and neither appears anywhere after', async () => {
    const old = game.secret;
    const rotate = await data<{ rotateFulfilmentSecret: { signingSecret: string; endpoint: { secretHint: string; url: string } } }>(
      `mutation { rotateFulfilmentSecret(vkAppId: ${APP}, overlapHours: 0) { signingSecret endpoint { secretHint url } } }`,
    );
    const fresh = rotate.rotateFulfilmentSecret.signingSecret;
    expect(fresh).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(fresh).not.toBe(old);
    expect(rotate.rotateFulfilmentSecret.endpoint).toEqual({ secretHint: `whsec_••••${fresh.slice(-4)}`, url: game.url });

    // The backend still has the old secret: the next event does not verify with it, and does with the new one.
    const eventId = `msg_paid_${await pay(604)}`;
    const heard = await until('the event', () => game.received.find((r) => r.id === eventId));
    expect(heard.signatureValid).toBe(false);
    game.secret = fresh;
    const next = `msg_paid_${await pay(604)}`;
    expect((await until('the next event', () => game.received.find((r) => r.id === next))).signatureValid).toBe(true);

    // Shown once: the endpoint, the audit trail and the list never carry it.
    const everything = JSON.stringify(
      await data(`{ fulfilmentEndpoint(vkAppId: ${APP}) { url secretHint } auditEvents(vkAppId: ${APP}, first: 100) {
        edges { node { action before after } } } }`),
    );
    expect(everything).toContain('fulfilment.rotateSecret');
    for (const secret of [old, fresh]) expect(everything).not.toContain(secret.slice(6, 20));
  });

  it('rotating without a webhook is NOT_FOUND', async () => {
    await data(`mutation { createApp(input: {vkAppId: ${APP + 1}, name: "No hook", secretKey: "${SECRET}"}) { vkAppId } }`);
    const r: GqlResult<unknown> = await t.gql(`mutation { rotateFulfilmentSecret(vkAppId: ${APP + 1}) { signingSecret } }`);
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });
});
