import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appKey,
  NO_WAIT,
  DIALECTS,
  migratedOrm,
  SECRET,
  signed,
  TEST_SECRETS,
  type Dialect,
  type MigratedOrm,
} from '../../test/helpers.js';
import { previousKeyColumns } from '../secrets/app-keys.js';
import { App } from '../apps/app.entity.js';
import { CatalogItem } from '../catalog/catalog-item.entity.js';
import { SubscriptionPlan } from '../catalog/subscription-plan.entity.js';
import { isPostgres, type Orm } from '../db/orm.js';
import { Transaction } from '../orders/transaction.entity.js';
import { Subscription } from '../subscriptions/subscription.entity.js';
import { PaymentTester } from '../settings/payment-tester.entity.js';
import { handleNotification, type HandledNotification } from './handle.js';

const VK_APP_ID = 1524456;
/** A second app of this server, with its own secret (for "signed with the wrong app's secret"). */
const OTHER_VK_APP_ID = 7654321;
const NOW = new Date('2026-05-01T12:00:00.000Z');
/** An app in a rotation's overlap: its previous key (SECRET) verifies until ROTATION_ENDS. */
const ROTATED_VK_APP_ID = 2345678;
const NEW_SECRET = 'NewSecret-after-rotation-42';
const ROTATION_ENDS = new Date(NOW.getTime() + 3_600_000);
/** A payment tester of VK_APP_ID; the default user 501 is not one. */
const TESTER = 777;
const PHOTO = 'https://cdn.example.com/gems.png';

type Fields = Record<string, string | number>;

async function seed(orm: Orm): Promise<void> {
  const em = orm.em.fork();
  const app = em.create(App, { vkAppId: VK_APP_ID, name: 'Test', ...appKey(VK_APP_ID) });
  em.create(App, { vkAppId: OTHER_VK_APP_ID, name: 'Other', ...appKey(OTHER_VK_APP_ID, 'OtherSecret-0000') });
  em.create(CatalogItem, { app, itemId: 'gem_pack', title: 'Gem pack', price: 24, discount: 3, photoUrl: PHOTO });
  em.create(CatalogItem, { app, itemId: 'old_sword', title: 'Old sword', price: 10, active: false });
  em.create(SubscriptionPlan, { app, itemId: 'vip', title: 'VIP', price: 30, period: 30 });
  em.create(PaymentTester, { app, vkUserId: TESTER, addedBy: 'test' });
  const rotated = em.create(App, {
    vkAppId: ROTATED_VK_APP_ID,
    name: 'Rotated',
    ...appKey(ROTATED_VK_APP_ID, NEW_SECRET),
    ...previousKeyColumns(TEST_SECRETS, ROTATED_VK_APP_ID, SECRET),
    previousSecretExpiresAt: ROTATION_ENDS,
  });
  em.create(CatalogItem, { app: rotated, itemId: 'gem_pack', title: 'Gem pack', price: 24 });
  await em.flush();
}

/** A correctly signed form body, as VK would post it. */
function body(fields: Fields, secret = SECRET): string {
  return new URLSearchParams(signed({ app_id: VK_APP_ID, user_id: 501, version: '5.132', ...fields }, secret)).toString();
}

let nextId = 3_000_000;
/** A fresh VK id, so tests never see each other's rows. */
const freshId = (): string => String(nextId++);

function errorOf(result: HandledNotification): { error_code: number; error_msg: string; critical: boolean } {
  expect(result.answer).toHaveProperty('error');
  return (result.answer as { error: { error_code: number; error_msg: string; critical: boolean } }).error;
}

function expectError(result: HandledNotification, code: number, critical = true): void {
  expect(errorOf(result)).toMatchObject({ error_code: code, critical });
  expect(result.log.errorCode).toBe(code);
}

describe.each(DIALECTS)('handleNotification over the real store on %s', (dialect: Dialect) => {
  let db: MigratedOrm;
  let orm: Orm;

  beforeAll(async () => {
    db = await migratedOrm(dialect);
    orm = db.orm;
    await seed(orm);
  });
  afterAll(async () => {
    await db?.close();
  });

  const handleRaw = (raw: string, on: MigratedOrm = db): Promise<HandledNotification> =>
    handleNotification(raw, { store: on.store(), fulfilment: NO_WAIT, now: () => NOW });
  const notify = (fields: Fields, secret?: string): Promise<HandledNotification> => handleRaw(body(fields, secret));

  const getItem = (item: string, overrides: Fields = {}) =>
    notify({ notification_type: 'get_item', item, lang: 'ru_RU', order_id: freshId(), receiver_id: 501, ...overrides });

  const purchase = (orderId: string, overrides: Fields = {}): Fields => ({
    notification_type: 'order_status_change',
    status: 'chargeable',
    order_id: orderId,
    item: 'gem_pack',
    item_id: 'gem_pack',
    item_title: 'Gem pack',
    item_price: 24,
    item_discount: 3,
    item_photo_url: PHOTO,
    receiver_id: 501,
    date: 1777636800,
    ...overrides,
  });
  const buy = (orderId: string, overrides: Fields = {}) => notify(purchase(orderId, overrides));
  const refund = (orderId: string, overrides: Fields = {}) => buy(orderId, { status: 'refunded', ...overrides });

  const subscriptionChange = (subscriptionId: string, overrides: Fields = {}): Fields => ({
    notification_type: 'subscription_status_change',
    status: 'chargeable',
    subscription_id: subscriptionId,
    item_id: 'vip',
    item_price: 30,
    next_bill_time: 1780000000,
    ...overrides,
  });
  const charge = (subscriptionId: string, overrides: Fields = {}) => notify(subscriptionChange(subscriptionId, overrides));

  const ordersWithId = (orderId: string, on: Orm = orm) => on.em.fork().find(Transaction, { orderId }, { orderBy: { id: 'asc' } });
  const chargesOf = (subscriptionId: string, on: Orm = orm) =>
    on.em.fork().find(Transaction, { subscriptionId }, { orderBy: { id: 'asc' } });
  const subscriptionRow = (subscriptionId: string, on: Orm = orm) => on.em.fork().findOne(Subscription, { subscriptionId });

  const orderAnswer = (orderId: string, appOrderId: number) => `{"response":{"order_id":${orderId},"app_order_id":${appOrderId}}}`;
  const chargeAnswer = (subscriptionId: string, appOrderId: number) =>
    `{"response":{"subscription_id":${subscriptionId},"app_order_id":${appOrderId}}}`;

  describe('get_item', () => {
    it('answers title, price, item_id, photo_url and discount from the catalog', async () => {
      const result = await getItem('gem_pack');
      expect(result.body).toBe(`{"response":{"title":"Gem pack","price":24,"item_id":"gem_pack","photo_url":"${PHOTO}","discount":3}}`);
      expect(result.log).toMatchObject({
        notificationType: 'get_item',
        rawType: 'get_item',
        test: false,
        signatureValid: true,
        errorCode: null,
      });
    });

    it('answers get_item_test from the same catalog, logged as test', async () => {
      const result = await getItem('gem_pack', { notification_type: 'get_item_test' });
      expect(result.answer).toEqual({ response: { title: 'Gem pack', price: 24, item_id: 'gem_pack', photo_url: PHOTO, discount: 3 } });
      expect(result.log).toMatchObject({ notificationType: 'get_item', rawType: 'get_item_test', test: true });
    });

    it('answers error 20 (critical) for an item not in the catalog', async () => {
      expectError(await getItem('no_such_item'), 20, true);
    });

    it('answers error 21 for an inactive item', async () => {
      expectError(await getItem('old_sword'), 21, true);
    });

    it('answers error 11 "missing field item" when item is absent', async () => {
      const result = await notify({ notification_type: 'get_item', lang: 'ru_RU', order_id: freshId() });
      expectError(result, 11);
      expect(errorOf(result).error_msg).toBe('missing field item');
    });

    it('accepts the old API format without version', async () => {
      const raw = new URLSearchParams(
        signed({ app_id: VK_APP_ID, user_id: 501, notification_type: 'get_item', item: 'gem_pack' }),
      ).toString();
      expect(raw).not.toContain('version');
      const result = await handleRaw(raw);
      expect(result.answer).toHaveProperty('response.price', 24);
    });
  });

  describe('order_status_change chargeable', () => {
    it('records one transaction with the order fields and answers order_id and app_order_id', async () => {
      const orderId = freshId();
      const result = await buy(orderId);
      const rows = await ordersWithId(orderId);
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row).toMatchObject({
        orderId,
        subscriptionId: null,
        vkUserId: 501,
        receiverId: 501,
        itemId: 'gem_pack',
        title: 'Gem pack',
        price: 24,
        discount: 3,
        status: 'chargeable',
        test: false,
        refundedAt: null,
      });
      expect(Number.isInteger(row.price)).toBe(true);
      expect(row.vkDate?.toISOString()).toBe('2026-05-01T12:00:00.000Z');
      expect(result.body).toBe(orderAnswer(orderId, row.id));
      expect(result.log).toMatchObject({
        notificationType: 'order_status_change',
        orderId,
        vkUserId: 501,
        appId: expect.any(Number) as number,
        errorCode: null,
      });
    });

    it('repeated chargeable order returns the same body and stores nothing new', async () => {
      const orderId = freshId();
      const first = await buy(orderId);
      const again = await buy(orderId);
      expect(again.body).toBe(first.body);
      expect(await ordersWithId(orderId)).toHaveLength(1);
    });

    it('20 concurrent identical chargeables record one transaction and answer byte-identical bodies', async () => {
      const orderId = freshId();
      const raw = body(purchase(orderId));
      const results = await Promise.all(Array.from({ length: 20 }, () => handleRaw(raw)));
      const rows = await ordersWithId(orderId);
      expect(rows).toHaveLength(1);
      expect(new Set(results.map((r) => r.body))).toEqual(new Set([orderAnswer(orderId, rows[0]!.id)]));
    });

    it('a repeat gets the first answer even when the catalog would refuse the order now (another price, no such item)', async () => {
      const orderId = freshId();
      const first = await buy(orderId);
      expect((await buy(orderId, { item_price: 1 })).body).toBe(first.body);
      expect((await buy(orderId, { item: 'no_such_item', item_id: 'no_such_item' })).body).toBe(first.body);
      const { item_price: _absent, ...withoutPrice } = purchase(orderId);
      expect((await notify(withoutPrice)).body).toBe(first.body);
      expect(await ordersWithId(orderId)).toHaveLength(1);
    });

    it('a new order is inserted without a lookup of the order before it (one statement on the hot path)', async () => {
      const real = db.store();
      let lookups = 0;
      const store = { ...real, findOrder: (...args: Parameters<typeof real.findOrder>) => (lookups++, real.findOrder(...args)) };
      const orderId = freshId();
      const result = await handleNotification(body(purchase(orderId)), { store, fulfilment: NO_WAIT, now: () => NOW });
      expect(result.body).toBe(orderAnswer(orderId, (await ordersWithId(orderId))[0]!.id));
      expect(lookups).toBe(0);
    });

    it('a _test order with the same order_id as a production one is a separate test transaction', async () => {
      const orderId = freshId();
      const real = await buy(orderId);
      const test = await buy(orderId, { notification_type: 'order_status_change_test' });
      const rows = await ordersWithId(orderId);
      expect(rows.map((r) => r.test)).toEqual([false, true]);
      expect(real.body).toBe(orderAnswer(orderId, rows[0]!.id));
      expect(test.body).toBe(orderAnswer(orderId, rows[1]!.id));
      expect(rows[0]!.id).not.toBe(rows[1]!.id);
      expect(test.log.test).toBe(true);
    });

    it('echoes an order_id beyond 2^53 exactly in the body text', async () => {
      const orderId = '98765432109876543210';
      const result = await buy(orderId);
      expect(result.body).toMatch(/^\{"response":\{"order_id":98765432109876543210,"app_order_id":\d+\}\}$/);
      expect((await ordersWithId(orderId))[0]?.orderId).toBe(orderId);
      expect(result.log.orderId).toBe(orderId);
    });

    it('answers error 100 and stores nothing when the price differs from the catalog', async () => {
      const orderId = freshId();
      const result = await buy(orderId, { item_price: 1 });
      expectError(result, 100, true);
      expect(errorOf(result).error_msg).toContain('24');
      expect(await ordersWithId(orderId)).toHaveLength(0);
    });

    it('answers error 20 and stores nothing for an item not in the catalog', async () => {
      const orderId = freshId();
      expectError(await buy(orderId, { item: 'no_such_item', item_id: 'no_such_item' }), 20);
      expect(await ordersWithId(orderId)).toHaveLength(0);
    });

    it('answers error 11 for a status other than chargeable or refunded', async () => {
      const orderId = freshId();
      const result = await buy(orderId, { status: 'pending' });
      expectError(result, 11);
      expect(errorOf(result).error_msg).toContain('status');
      expect(await ordersWithId(orderId)).toHaveLength(0);
    });
  });

  describe('order_status_change refunded', () => {
    it('marks the transaction refunded at now and answers the same order_id and app_order_id', async () => {
      const orderId = freshId();
      const paid = await buy(orderId);
      const refunded = await refund(orderId);
      expect(refunded.body).toBe(paid.body);
      const [row] = await ordersWithId(orderId);
      expect(row?.status).toBe('refunded');
      expect(row?.refundedAt?.toISOString()).toBe(NOW.toISOString());
    });

    it('a repeated refund gets the identical answer', async () => {
      const orderId = freshId();
      await buy(orderId);
      const first = await refund(orderId);
      const again = await refund(orderId);
      expect(again.body).toBe(first.body);
      expect(await ordersWithId(orderId)).toHaveLength(1);
    });

    it('answers error 11 for a refund of an order never recorded', async () => {
      const orderId = freshId();
      expectError(await refund(orderId), 11);
      expect(await ordersWithId(orderId)).toHaveLength(0);
    });

    it('a repeated chargeable after the refund returns the original app_order_id and keeps it refunded', async () => {
      const orderId = freshId();
      const paid = await buy(orderId);
      await refund(orderId);
      const late = await buy(orderId);
      expect(late.body).toBe(paid.body);
      const rows = await ordersWithId(orderId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'refunded' });
      expect(rows[0]!.refundedAt?.toISOString()).toBe(NOW.toISOString());
    });
  });

  describe('get_subscription', () => {
    it('answers title, price, period and item_id of the plan', async () => {
      const result = await notify({ notification_type: 'get_subscription', item: 'vip', lang: 'en_US' });
      expect(result.body).toBe('{"response":{"title":"VIP","price":30,"item_id":"vip","period":30}}');
    });

    it('answers error 20 for a plan that does not exist', async () => {
      expectError(await notify({ notification_type: 'get_subscription', item: 'platinum' }), 20);
    });
  });

  describe('subscription_status_change', () => {
    it('chargeable creates the subscription and one charge, answering subscription_id and app_order_id', async () => {
      const subscriptionId = freshId();
      const result = await charge(subscriptionId);
      const charges = await chargesOf(subscriptionId);
      expect(charges).toHaveLength(1);
      expect(charges[0]).toMatchObject({
        orderId: null,
        subscriptionId,
        itemId: 'vip',
        title: 'VIP',
        price: 30,
        vkUserId: 501,
        test: false,
        status: 'chargeable',
      });
      expect(result.body).toBe(chargeAnswer(subscriptionId, charges[0]!.id));
      const sub = await subscriptionRow(subscriptionId);
      expect(sub).toMatchObject({
        status: 'chargeable',
        itemId: 'vip',
        price: 30,
        vkUserId: 501,
        test: false,
        pendingCancel: false,
        cancelReason: null,
      });
      expect(sub?.nextBillTime?.toISOString()).toBe(new Date(1780000000 * 1000).toISOString());
      expect(result.log).toMatchObject({ notificationType: 'subscription_status_change', subscriptionId });
    });

    it('the same chargeable again (same next_bill_time) gets the identical body and no new charge', async () => {
      const subscriptionId = freshId();
      const first = await charge(subscriptionId);
      const again = await charge(subscriptionId);
      expect(again.body).toBe(first.body);
      expect(await chargesOf(subscriptionId)).toHaveLength(1);
    });

    it('a renewal with a new next_bill_time is a second charge with a new app_order_id', async () => {
      const subscriptionId = freshId();
      await charge(subscriptionId, { next_bill_time: 1780000000 });
      const renewal = await charge(subscriptionId, { next_bill_time: 1782592000 });
      const charges = await chargesOf(subscriptionId);
      expect(charges).toHaveLength(2);
      expect(charges[0]!.id).not.toBe(charges[1]!.id);
      expect(renewal.body).toBe(chargeAnswer(subscriptionId, charges[1]!.id));
      expect((await subscriptionRow(subscriptionId))?.nextBillTime?.toISOString()).toBe(new Date(1782592000 * 1000).toISOString());
    });

    it('20 concurrent identical chargeables make one charge and byte-identical bodies', async () => {
      const subscriptionId = freshId();
      const raw = body(subscriptionChange(subscriptionId));
      const results = await Promise.all(Array.from({ length: 20 }, () => handleRaw(raw)));
      const charges = await chargesOf(subscriptionId);
      expect(charges).toHaveLength(1);
      expect(new Set(results.map((r) => r.body))).toEqual(new Set([chargeAnswer(subscriptionId, charges[0]!.id)]));
    });

    it('cancelled with user_decision and pending_cancel=1 updates the subscription and answers subscription_id', async () => {
      const subscriptionId = freshId();
      await charge(subscriptionId);
      const result = await charge(subscriptionId, { status: 'cancelled', cancel_reason: 'user_decision', pending_cancel: 1 });
      expect(result.body).toBe(`{"response":{"subscription_id":${subscriptionId}}}`);
      expect(await subscriptionRow(subscriptionId)).toMatchObject({
        status: 'cancelled',
        cancelReason: 'user_decision',
        pendingCancel: true,
      });
      expect(await chargesOf(subscriptionId)).toHaveLength(1);
    });

    it('a cancellation without next_bill_time keeps the paid-up period end and the price', async () => {
      const subscriptionId = freshId();
      await charge(subscriptionId, { next_bill_time: 1780000000, item_price: 30 });
      const {
        next_bill_time: _omitted,
        item_price: _alsoOmitted,
        ...cancel
      } = subscriptionChange(subscriptionId, { status: 'cancelled', pending_cancel: 1 });
      expect((await notify(cancel)).log.errorCode).toBeNull();
      expect(await subscriptionRow(subscriptionId)).toMatchObject({
        status: 'cancelled',
        pendingCancel: true,
        price: 30,
        nextBillTime: new Date(1780000000 * 1000),
      });
    });

    it('active updates the subscription and answers subscription_id', async () => {
      const subscriptionId = freshId();
      await charge(subscriptionId, { status: 'cancelled', cancel_reason: 'payment_fail', pending_cancel: 0 });
      const result = await charge(subscriptionId, { status: 'active' });
      expect(result.body).toBe(`{"response":{"subscription_id":${subscriptionId}}}`);
      expect(await subscriptionRow(subscriptionId)).toMatchObject({ status: 'active', cancelReason: null, pendingCancel: false });
      expect(await chargesOf(subscriptionId)).toHaveLength(0);
    });
  });

  describe('signature and request errors', () => {
    it('answers error 10 for a bad signature, logs signatureValid false and stores nothing', async () => {
      const orderId = freshId();
      const raw = new URLSearchParams({ ...signed({ app_id: VK_APP_ID, user_id: 501, ...purchase(orderId) }), item_price: '1' }).toString();
      const result = await handleRaw(raw);
      expectError(result, 10);
      expect(result.log.signatureValid).toBe(false);
      expect(result.log.appId).toEqual(expect.any(Number));
      expect(await ordersWithId(orderId)).toHaveLength(0);
    });

    it('logs a long unverified request bounded, and the same request signed whole', async () => {
      const fields = {
        app_id: VK_APP_ID,
        user_id: 501,
        version: '5.132',
        notification_type: 'get_item',
        item: 'gem_pack',
        lang: 'x'.repeat(5000),
      };
      const bad = await handleRaw(new URLSearchParams({ ...signed(fields), sig: 'f'.repeat(32) }).toString());
      expectError(bad, 10);
      expect(bad.log.request.lang).toBe(`${'x'.repeat(64)}… (5000 characters)`);
      expect(bad.log.request._truncated).toMatchObject({ fields: 7, omittedFields: 0 });
      const good = await handleRaw(new URLSearchParams(signed(fields)).toString());
      expect(good.log.request).toEqual(signed(fields));
    });

    it('answers error 11 for an unknown app_id, logged without an app', async () => {
      const result = await handleRaw(body({ app_id: 999, notification_type: 'get_item', item: 'gem_pack' }));
      expectError(result, 11);
      expect(result.log.appId).toBeNull();
      expect(result.log.vkAppId).toBe(999);
      expect(result.log.signatureValid).toBeNull();
    });

    it('answers error 11 for a duplicate field', async () => {
      const result = await handleRaw(`${body({ notification_type: 'get_item', item: 'gem_pack' })}&item=gem_pack`);
      expectError(result, 11);
      expect(errorOf(result).error_msg).toContain('item');
    });

    it('answers error 11 for a bracketed field name even when it is signed', async () => {
      const result = await handleRaw(body({ notification_type: 'get_item', item: 'gem_pack', 'a[]': 1 }));
      expectError(result, 11);
      expect(errorOf(result).error_msg).toContain('a[]');
    });

    it('answers error 1 for a correctly signed unknown notification_type', async () => {
      const result = await notify({ notification_type: 'order_status_changed', item: 'gem_pack' });
      expectError(result, 1);
      expect(result.log).toMatchObject({ rawType: 'order_status_changed', notificationType: null, signatureValid: true });
    });

    it("answers error 10 for another app's app_id signed with this app's secret", async () => {
      const result = await handleRaw(body({ app_id: OTHER_VK_APP_ID, notification_type: 'get_item', item: 'gem_pack' }));
      expectError(result, 10);
      expect(result.log.signatureValid).toBe(false);
    });

    it('answers error 11 for a body that is not a form (JSON text)', async () => {
      const result = await handleRaw(JSON.stringify({ app_id: VK_APP_ID, notification_type: 'get_item', item: 'gem_pack' }));
      expectError(result, 11);
      expect(result.log.appId).toBeNull();
    });
  });

  describe('values out of range', () => {
    // Shape-valid but impossible values must be refused as the request's fault (error 11, critical), not
    // reach the database and come back as error 2 (critical false), which VK would retry forever (docs/protocol.md §4).
    it.each([
      ['an order date beyond any JS date', 'date', () => purchase(freshId(), { date: 99999999999999 })],
      ['an order item_discount beyond a 32-bit integer', 'item_discount', () => purchase(freshId(), { item_discount: 99999999999 })],
      [
        'a subscription next_bill_time beyond any JS date',
        'next_bill_time',
        () => subscriptionChange(freshId(), { next_bill_time: 99999999999999 }),
      ],
      ['a subscription item_price beyond a 32-bit integer', 'item_price', () => subscriptionChange(freshId(), { item_price: 99999999999 })],
    ])('refuses %s as error 11 naming the field, not as a temporary error', async (_what, field, fields) => {
      const result = await notify(fields());
      expectError(result, 11, true);
      expect(errorOf(result).error_msg).toContain(field);
      expect(result.fault).toBeUndefined();
    });

    it('an item_title longer than a title can be is recorded with the catalog title instead', async () => {
      const orderId = freshId();
      const result = await buy(orderId, { item_title: 'x'.repeat(300) });
      expect(result.log.errorCode).toBeNull();
      expect((await ordersWithId(orderId)).map((t) => t.title)).toEqual(['Gem pack']);
    });
  });

  describe('secret rotation overlap', () => {
    const getItemOfRotated = (secret: string, at: Date = NOW) =>
      handleNotification(
        body({ app_id: ROTATED_VK_APP_ID, notification_type: 'get_item', item: 'gem_pack', lang: 'ru_RU', order_id: freshId() }, secret),
        { store: db.store(), fulfilment: NO_WAIT, now: () => at },
      );

    it('a notification signed with the new key is answered and logged signedWith current', async () => {
      const result = await getItemOfRotated(NEW_SECRET);
      expect(result.answer).toHaveProperty('response.price', 24);
      expect(result.log).toMatchObject({ signatureValid: true, signedWith: 'current' });
    });

    it('during the overlap a notification signed with the old key is answered and logged signedWith previous', async () => {
      const result = await getItemOfRotated(SECRET);
      expect(result.answer).toHaveProperty('response.price', 24);
      expect(result.log).toMatchObject({ signatureValid: true, signedWith: 'previous' });
    });

    it('once the overlap has ended the old key is refused with error 10', async () => {
      const result = await getItemOfRotated(SECRET, ROTATION_ENDS);
      expectError(result, 10);
      expect(result.log).toMatchObject({ signatureValid: false, signedWith: null });
    });

    it('a key that is neither is refused with error 10 during the overlap', async () => {
      const result = await getItemOfRotated('neither-key-12345');
      expectError(result, 10);
      expect(result.log.signedWith).toBeNull();
    });

    it('an app without a rotation logs signedWith current', async () => {
      expect((await getItem('gem_pack')).log.signedWith).toBe('current');
    });
  });

  describe('payment testers', () => {
    it('a _test notification from a user who is not a tester is answered as usual, with a warning in the log', async () => {
      const result = await getItem('gem_pack', { notification_type: 'get_item_test', user_id: 501 });
      expect(result.answer).toHaveProperty('response.price', 24);
      expect(result.log.errorCode).toBeNull();
      expect(result.log.warning).toBe('user 501 is not a payment tester of this app: VK sends _test notifications only for testers');
    });

    it('a _test purchase from a non-tester is still recorded as a test transaction', async () => {
      const orderId = freshId();
      const result = await buy(orderId, { notification_type: 'order_status_change_test' });
      expect(result.answer).toHaveProperty('response.app_order_id');
      expect(result.log.warning).toContain('user 501 is not a payment tester');
      expect((await ordersWithId(orderId)).map((t) => t.test)).toEqual([true]);
    });

    it('a _test notification from a tester has no warning', async () => {
      const result = await getItem('gem_pack', { notification_type: 'get_item_test', user_id: TESTER });
      expect(result.answer).toHaveProperty('response');
      expect(result.log.warning).toBeNull();
    });

    it('real notifications never look up the tester list', async () => {
      const real = db.store();
      let lookups = 0;
      const store = { ...real, isPaymentTester: (appId: number, vkUserId: number) => (lookups++, real.isPaymentTester(appId, vkUserId)) };
      const raw = body({ notification_type: 'get_item', item: 'gem_pack', lang: 'ru_RU', order_id: freshId() });
      const result = await handleNotification(raw, { store, fulfilment: NO_WAIT, now: () => NOW });
      expect(result.log.warning).toBeNull();
      expect(lookups).toBe(0);
      await handleNotification(body({ notification_type: 'get_item_test', item: 'gem_pack' }), {
        store,
        fulfilment: NO_WAIT,
        now: () => NOW,
      });
      expect(lookups).toBe(1);
    });

    it('a _test notification with a bad signature gets no tester warning', async () => {
      const result = await notify({ notification_type: 'get_item_test', item: 'gem_pack' }, 'wrong-secret-123');
      expectError(result, 10);
      expect(result.log.warning).toBeNull();
    });
  });

  describe('storage failure', () => {
    // A database of its own, so the failing trigger never touches the other tests.
    let broken: MigratedOrm;

    beforeAll(async () => {
      broken = await migratedOrm(dialect);
      await seed(broken.orm);
      const conn = broken.orm.em.getConnection();
      if (isPostgres(broken.orm)) {
        await conn.execute(`create function fail_tx() returns trigger language plpgsql as $$ begin raise exception 'disk on fire'; end $$`);
        await conn.execute('create trigger fail_tx before insert on transactions for each row execute function fail_tx()');
      } else {
        await conn.execute(`create trigger fail_tx before insert on transactions begin select raise(abort, 'disk on fire'); end`);
      }
      await conn.execute(`drop table payment_testers${isPostgres(broken.orm) ? ' cascade' : ''}`);
    });
    afterAll(async () => {
      await broken?.close();
    });

    const handleBroken = (fields: Fields) => handleRaw(body(fields), broken);

    it('a failing insert of an order answers error 2, not critical, with the fault kept for the operator', async () => {
      const orderId = freshId();
      const result = await handleBroken(purchase(orderId));
      expectError(result, 2, false);
      expect(errorOf(result).error_msg).not.toContain('disk on fire');
      expect(String(result.fault)).toContain('disk on fire');
      expect(await ordersWithId(orderId, broken.orm)).toHaveLength(0);
    });

    it('a failing subscription charge answers error 2 and leaves no half-written subscription', async () => {
      const subscriptionId = freshId();
      const result = await handleBroken(subscriptionChange(subscriptionId));
      expectError(result, 2, false);
      expect(result.fault).toBeDefined();
      expect(await subscriptionRow(subscriptionId, broken.orm)).toBeNull();
      expect(await chargesOf(subscriptionId, broken.orm)).toHaveLength(0);
    });

    it('a failing tester lookup keeps the answer of a _test notification and only loses the warning', async () => {
      const result = await handleBroken({ notification_type: 'get_item_test', item: 'gem_pack', lang: 'ru_RU', order_id: freshId() });
      expect(result.answer).toHaveProperty('response.price', 24);
      expect(result.fault).toBeUndefined();
      expect(result.log.warning).toBeNull();
    });
  });

  describe('the secret', () => {
    it('never appears in an answer or in the logged request', async () => {
      const orderId = freshId();
      const attempts = [
        () => getItem('gem_pack'),
        () => buy(orderId),
        () => refund(orderId),
        () => charge(freshId()),
        () => handleRaw(`${body({ notification_type: 'get_item', item: 'gem_pack' })}&sig=0`),
        () => notify({ notification_type: 'get_item', item: 'gem_pack' }, 'wrong-secret-123'),
        () => notify({ notification_type: 'nonsense' }),
      ];
      const results: HandledNotification[] = [];
      for (const attempt of attempts) results.push(await attempt());
      for (const result of results) {
        expect(result.body).not.toContain(SECRET);
        expect(JSON.stringify(result.log.request)).not.toContain(SECRET);
      }
    });
  });
});
