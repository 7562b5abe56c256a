/**
 * What `vk-payments listen` hears, at the store: every payment's event for the game backend once its
 * payment committed, for an app without an endpoint too, and nothing built or stored while nobody listens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKey, DIALECTS, migratedOrm, type MigratedOrm } from '../../test/helpers.js';
import { App } from '../apps/app.entity.js';
import type { WebhookEvent } from '../notifications/outbox.js';
import { createSqlStore, type EndpointStore } from '../notifications/sql-store.js';
import type { OrderDraft, SubscriptionState } from '../notifications/store.js';
import { FulfilmentDelivery } from './fulfilment.entity.js';

const APP = 84001;

describe.each(DIALECTS)('events for a listener on %s', (dialect) => {
  let db: MigratedOrm;
  let appId: number;
  let heard: WebhookEvent[];
  let listening: boolean;
  let store: EndpointStore;

  beforeAll(async () => {
    db = await migratedOrm(dialect);
    const em = db.orm.em.fork();
    const app = em.create(App, { vkAppId: APP, name: 'Listen', ...appKey(APP) });
    await em.flush();
    appId = app.id;
    store = createSqlStore(db.sql(), db.secrets, {
      queued: () => {},
      listening: (vkAppId) => listening && vkAppId === APP,
      event: (e) => heard.push(e),
    });
  });
  afterAll(() => db?.close());

  const target = { vkAppId: APP, fulfilment: false, syncFulfilment: false };
  const order = (orderId: string): OrderDraft => ({
    ...target,
    appId,
    test: true,
    orderId,
    vkUserId: 5,
    receiverId: 5,
    itemId: 'gem',
    title: 'Gem',
    price: 5,
    discount: null,
    vkDate: null,
  });
  const subscription = (status: SubscriptionState['status']): SubscriptionState => ({
    ...target,
    appId,
    test: false,
    subscriptionId: 'sub-1',
    vkUserId: 5,
    itemId: 'vip',
    price: 30,
    status,
    nextBillTime: null,
    cancelReason: status === 'cancelled' ? 'user_decision' : null,
    pendingCancel: false,
  });

  it('hears a payment, its refund and a subscription change of an app without an endpoint, once each, and nothing is queued', async () => {
    heard = [];
    listening = true;
    const { appOrderId } = await store.recordOrder(order('o-1'));
    await store.recordOrder(order('o-1')); // VK's repeat: the same order, no second event
    await store.refundOrder(appId, true, 'o-1', new Date(), target);
    await store.refundOrder(appId, true, 'o-1', new Date(), target);
    await store.updateSubscription(subscription('active'));
    await store.updateSubscription(subscription('cancelled'));
    await store.updateSubscription(subscription('cancelled'));
    expect(heard.map((e) => [e.type, e.id])).toEqual([
      ['order.paid', `msg_paid_${appOrderId}`],
      ['order.refunded', `msg_refunded_${appOrderId}`],
      ['subscription.changed', expect.stringMatching(/^msg_subscription_\d+_active_0$/)],
      ['subscription.changed', expect.stringMatching(/^msg_subscription_\d+_cancelled_\d+$/)],
    ]);
    expect(JSON.parse(heard[3]!.body)).toMatchObject({
      type: 'subscription.changed',
      data: { vkAppId: APP, status: 'cancelled', previousStatus: 'active', cancelReason: 'user_decision' },
    });
    expect(await db.orm.em.fork().count(FulfilmentDelivery, {})).toBe(0);
  });

  it('builds nothing while nobody listens', async () => {
    heard = [];
    listening = false;
    await store.recordOrder(order('o-2'));
    await store.refundOrder(appId, true, 'o-2', new Date(), target);
    await store.updateSubscription(subscription('active'));
    expect(heard).toEqual([]);
  });
});
