/**
 * Fulfilment end to end: a real local game backend (an HTTP server that checks the Standard Webhooks
 * signature as a receiver must, with the `standardwebhooks` package) and real servers on a real database. Retries are shortened with
 * VKP_FULFILMENT_RETRY_DELAYS; everything else runs as in production.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type VkPaymentsServer } from '../src/http/server.js';
import { DEFAULT_DIALECT, freshDatabase, ROOT_TOKEN, SECRET, signed, testConfig, type TestDatabase, until } from './helpers.js';
import { GameBackend } from './game-backend.js';

const APP = 71234;
/** Short retries; the game backend of these tests listens on 127.0.0.1, which the operator allows. */
const FAST = { VKP_FULFILMENT_RETRY_DELAYS: '0.2,0.2,0.2', VKP_ALLOW_PRIVATE_URLS: '127.0.0.1' };

class Instance {
  constructor(
    readonly server: VkPaymentsServer,
    readonly url: string,
  ) {}

  static async start(db: TestDatabase): Promise<Instance> {
    const server = await createServer(testConfig(db.database, FAST));
    return new Instance(server, await server.listen());
  }

  async gql<T>(query: string): Promise<T> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  }

  async notify(fields: Record<string, string | number>): Promise<unknown> {
    const res = await fetch(`${this.url}/vk/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(signed(fields)).toString(),
    });
    return res.json();
  }
}

let orderSeq = 700_000;
const purchase = (status = 'chargeable', orderId = ++orderSeq) => ({
  app_id: APP,
  user_id: 501,
  notification_type: 'order_status_change',
  status,
  item: 'gem_pack',
  item_price: 10,
  item_title: 'Gem pack',
  order_id: orderId,
  version: '5.132',
});

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  attemptLog: { httpStatus: number | null; error: string | null }[];
}
const DELIVERIES = `{ fulfilmentDeliveries(vkAppId: ${APP}, first: 100) { edges { node { id eventId eventType status attempts attemptLog { httpStatus error } } } } }`;
const deliveries = async (i: Instance): Promise<Delivery[]> =>
  (await i.gql<{ fulfilmentDeliveries: { edges: { node: Delivery }[] } }>(DELIVERIES)).fulfilmentDeliveries.edges.map((e) => e.node);
const deliveryOf = async (i: Instance, eventId: string): Promise<Delivery | undefined> =>
  (await deliveries(i)).find((d) => d.eventId === eventId);

describe(`fulfilment webhooks on ${DEFAULT_DIALECT}`, () => {
  const game = new GameBackend();
  let db: TestDatabase;
  let a: Instance;

  beforeAll(async () => {
    await game.start();
    db = await freshDatabase(DEFAULT_DIALECT);
    a = await Instance.start(db);
    await a.gql(`mutation { createApp(input: {vkAppId: ${APP}, name: "Game", secretKey: "${SECRET}"}) { vkAppId } }`);
    await a.gql(`mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`);
    const set = await a.gql<{ setFulfilmentEndpoint: { signingSecret: string; endpoint: { secretHint: string } } }>(
      `mutation { setFulfilmentEndpoint(vkAppId: ${APP}, input: {url: "${game.url}"}) { signingSecret endpoint { secretHint } } }`,
    );
    game.secret = set.setFulfilmentEndpoint.signingSecret;
    expect(game.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(set.setFulfilmentEndpoint.endpoint.secretHint).toBe(`whsec_••••${game.secret.slice(-4)}`);
  });
  afterEach(() => {
    game.answer = () => 200;
    game.delayMs = 0;
  });
  afterAll(async () => {
    await a?.server.close();
    await game.stop();
    await db?.drop();
  });

  /**
   * Returns once nothing queued before the call can still reach the game backend: a later paid order
   * reaches it, then another. A payment pokes the worker, which claims again only after the batch it is
   * sending has been answered; so the second order is claimed after every due delivery sent with the
   * first (a repeat of an earlier event included) has arrived.
   */
  async function nothingElseInFlight(): Promise<void> {
    for (let i = 0; i < 2; i++) {
      const later = (await a.notify(purchase())) as { response: { app_order_id: number } };
      await until('a later order', () => game.received.some((r) => r.id === `msg_paid_${later.response.app_order_id}`));
    }
  }

  it('a paid order reaches the game backend once, signed, with what to grant — however often VK repeats it', async () => {
    const order = purchase();
    const answer = (await a.notify(order)) as { response: { app_order_id: number } };
    await a.notify(order);
    await a.notify(order);
    const eventId = `msg_paid_${answer.response.app_order_id}`;
    const got = await until('the event', () => game.received.find((r) => r.id === eventId));
    expect(got).toMatchObject({ type: 'order.paid', signatureValid: true });
    expect(got.data).toEqual({
      vkAppId: APP,
      appOrderId: answer.response.app_order_id,
      orderId: String(order.order_id),
      vkUserId: 501,
      receiverId: null,
      itemId: 'gem_pack',
      title: 'Gem pack',
      price: 10,
      discount: null,
      test: false,
    });
    const d = await until('delivered', async () => (await deliveryOf(a, eventId))?.status === 'delivered' && deliveryOf(a, eventId));
    expect(d.attemptLog).toEqual([{ httpStatus: 200, error: null }]);
    await nothingElseInFlight();
    expect(game.received.filter((r) => r.id === eventId)).toHaveLength(1);
  });

  it("a subscription's paid period reaches the game backend as subscription.changed, with when it ends", async () => {
    await a.gql(
      `mutation { upsertSubscriptionPlan(vkAppId: ${APP}, input: {itemId: "vip", title: "VIP", price: 30, period: 30}) { itemId } }`,
    );
    const charge = {
      app_id: APP,
      user_id: 502,
      notification_type: 'subscription_status_change',
      status: 'chargeable',
      item_id: 'vip',
      item_price: 30,
      subscription_id: ++orderSeq,
      next_bill_time: 1790000000,
      version: '5.132',
    };
    const answer = (await a.notify(charge)) as { response: { app_order_id: number } };
    await a.notify(charge);
    const eventId = `msg_charged_${answer.response.app_order_id}`;
    const got = await until('the subscription event', () => game.received.find((r) => r.id === eventId));
    expect(got).toMatchObject({ type: 'subscription.changed', signatureValid: true });
    expect(got.data).toMatchObject({
      subscriptionId: String(charge.subscription_id),
      vkUserId: 502,
      itemId: 'vip',
      status: 'chargeable',
      price: 30,
      nextBillTime: '2026-09-21T14:13:20.000Z',
    });

    // The user cancels (VK says it twice): the game hears it once, with when the paid period ends.
    const cancel = { ...charge, status: 'cancelled', cancel_reason: 'user_decision', pending_cancel: 1 };
    delete (cancel as Partial<typeof cancel>).item_price;
    await a.notify(cancel);
    await a.notify(cancel);
    const cancelled = await until('the cancellation event', () =>
      game.received.find(
        (r) =>
          r.type === 'subscription.changed' && r.data.status === 'cancelled' && r.data.subscriptionId === String(charge.subscription_id),
      ),
    );
    expect(cancelled).toMatchObject({
      signatureValid: true,
      data: { previousStatus: 'chargeable', cancelReason: 'user_decision', pendingCancel: true, nextBillTime: '2026-09-21T14:13:20.000Z' },
    });
    await nothingElseInFlight();
    expect(game.received.filter((r) => r.id === cancelled.id)).toHaveLength(1);
    expect(game.received.filter((r) => r.data.subscriptionId === String(charge.subscription_id))).toHaveLength(2);
  });

  it('a delivery that fails twice is retried with the same webhook-id and succeeds the third time', async () => {
    game.answer = (_id, nth) => (nth <= 2 ? 503 : 200);
    const answer = (await a.notify(purchase())) as { response: { app_order_id: number } };
    const eventId = `msg_paid_${answer.response.app_order_id}`;
    const d = await until('delivered after retries', async () => {
      const found = await deliveryOf(a, eventId);
      return found?.status === 'delivered' && found;
    });
    expect(d.attemptLog.map((x) => x.httpStatus)).toEqual([503, 503, 200]);
    expect(d.attempts).toBe(3);
    expect(game.received.filter((r) => r.id === eventId).every((r) => r.signatureValid)).toBe(true);
  });

  it('a refund tells the game backend to take the goods back, once', async () => {
    const order = purchase();
    const answer = (await a.notify(order)) as { response: { app_order_id: number } };
    await a.notify({ ...order, status: 'refunded' });
    await a.notify({ ...order, status: 'refunded' });
    const eventId = `msg_refunded_${answer.response.app_order_id}`;
    const got = await until('the refund event', () => game.received.find((r) => r.id === eventId));
    expect(got).toMatchObject({
      type: 'order.refunded',
      signatureValid: true,
      data: { appOrderId: answer.response.app_order_id, orderId: String(order.order_id), price: 10 },
    });
    await nothingElseInFlight();
    expect(game.received.filter((r) => r.id === eventId)).toHaveLength(1);
  });

  it('gives up after the last retry (failed), and a resend by hand delivers it', async () => {
    game.answer = () => 500;
    const answer = (await a.notify(purchase())) as { response: { app_order_id: number } };
    const eventId = `msg_paid_${answer.response.app_order_id}`;
    const failed = await until('failed', async () => {
      const found = await deliveryOf(a, eventId);
      return found?.status === 'failed' && found;
    });
    expect(failed.attemptLog.map((x) => x.httpStatus)).toEqual([500, 500, 500, 500]);
    game.answer = () => 200;
    await a.gql(`mutation { resendFulfilmentDelivery(id: "${failed.id}") { status } }`);
    const d = await until('delivered after resend', async () => {
      const found = await deliveryOf(a, eventId);
      return found?.status === 'delivered' && found;
    });
    expect(d.attemptLog.map((x) => x.httpStatus)).toEqual([500, 500, 500, 500, 200]);
  });

  it('an unreachable backend is recorded with why, and deliveries left pending are sent after a restart', async () => {
    // Point the endpoint at a closed port, pay, and stop the server with the delivery pending.
    const closed = 'http://127.0.0.1:9/vk-grant';
    await a.gql(`mutation { setFulfilmentEndpoint(vkAppId: ${APP}, input: {url: "${closed}"}) { signingSecret } }`);
    const answer = (await a.notify(purchase())) as { response: { app_order_id: number } };
    const eventId = `msg_paid_${answer.response.app_order_id}`;
    const tried = await until('a failed attempt', async () => {
      const found = await deliveryOf(a, eventId);
      return found && found.attemptLog.length > 0 && found;
    });
    expect(tried.attemptLog[0]).toMatchObject({ httpStatus: null, error: 'could not connect to the URL' });
    await a.server.close();

    // The backend is back at its address; a new process on the same database sends what was left.
    const b = await Instance.start(db);
    try {
      await b.gql(`mutation { setFulfilmentEndpoint(vkAppId: ${APP}, input: {url: "${game.url}"}) { signingSecret } }`);
      // No resend, no new notification: the new process's worker finds the pending delivery by itself.
      const got = await until('the event after the restart', () => game.received.find((r) => r.id === eventId), 10_000);
      expect(got.signatureValid).toBe(true);
      const d = await until('delivered', async () => {
        const found = await deliveryOf(b, eventId);
        return found?.status === 'delivered' && found;
      });
      expect(d.attemptLog.at(-1)).toEqual({ httpStatus: 200, error: null });
    } finally {
      a = b;
    }
  });

  describe('sync mode', () => {
    beforeAll(async () => {
      await a.gql(
        `mutation { setFulfilmentEndpoint(vkAppId: ${APP}, input: {url: "${game.url}", syncMode: true}) { endpoint { syncMode } } }`,
      );
    });
    afterAll(async () => {
      await a.gql(
        `mutation { setFulfilmentEndpoint(vkAppId: ${APP}, input: {url: "${game.url}", syncMode: false}) { endpoint { syncMode } } }`,
      );
    });

    it(
      'VK hears "paid" only once the game backend confirmed: a refusal answers error 2 (VK retries), the retry succeeds',
      { timeout: 15_000 },
      async () => {
        let refusing = true;
        game.answer = () => (refusing ? 500 : 200);
        const order = purchase();
        expect(await a.notify(order)).toEqual({
          error: { error_code: 2, error_msg: 'the game backend has not confirmed yet, please retry', critical: false },
        });
        // The payment itself is kept: VK's retry is answered with its app_order_id once the backend has it.
        refusing = false;
        const retry = (await a.notify(order)) as { response: { app_order_id: number } };
        expect(retry).toEqual({ response: { order_id: order.order_id, app_order_id: expect.any(Number) as number } });
        const d = (await deliveryOf(a, `msg_paid_${retry.response.app_order_id}`))!;
        expect(d.status).toBe('delivered');
        expect(d.attemptLog[0]!.httpStatus).toBe(500);
        expect(d.attemptLog.at(-1)!.httpStatus).toBe(200);
        expect(await a.notify(order)).toEqual(retry);
      },
    );

    it("a backend slower than the deadline gets VK error 2 well within VK's 10 s", async () => {
      game.delayMs = 7_000;
      const started = performance.now();
      expect(await a.notify(purchase())).toMatchObject({ error: { error_code: 2, critical: false } });
      expect(performance.now() - started).toBeLessThan(7_000);
    }, 15_000);

    it('get_item is answered at once, whatever the game backend does', async () => {
      game.answer = () => 500;
      expect(
        await a.notify({ app_id: APP, user_id: 501, notification_type: 'get_item', item: 'gem_pack', version: '5.132' }),
      ).toHaveProperty('response.price', 10);
    });
  });

  it('two instances on one database send each event once', async () => {
    const b = await Instance.start(db);
    try {
      const ids = await Promise.all(
        Array.from(
          { length: 30 },
          async (_, i) => ((await (i % 2 ? a : b).notify(purchase())) as { response: { app_order_id: number } }).response.app_order_id,
        ),
      );
      const eventIds = ids.map((id) => `msg_paid_${id}`);
      const all = await until(
        'every event delivered',
        async () => {
          const recorded = (await deliveries(a)).filter((d) => eventIds.includes(d.eventId));
          return recorded.length === eventIds.length && recorded.every((d) => d.status === 'delivered') && recorded;
        },
        15_000,
      );
      // A delivered event is never claimed again, and a stopped worker has finished what it was sending:
      // once both instances are closed, nothing else can reach the game backend.
      await Promise.all([a.server.close(), b.server.close()]);
      a = await Instance.start(db);
      for (const id of eventIds)
        expect(
          game.received.filter((r) => r.id === id),
          id,
        ).toHaveLength(1);
      expect(all.map((d) => d.attempts)).toEqual(eventIds.map(() => 1));
    } finally {
      await b.server.close();
    }
  });
});
