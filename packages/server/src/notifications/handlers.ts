/**
 * One handler per notification kind (docs/protocol.md §3): validated fields in, the `response` object out,
 * or a VkError. Pure over the injected store.
 */
import { CANCEL_REASONS, type CancelReason } from '@vk-payments/shared';
import type { GetItemFields, OrderStatusChangeFields, SubscriptionStatusChangeFields } from './fields.js';
import type { AppRecord, ItemRecord, NotificationStore, PlanRecord, SyncFulfilment } from './store.js';
import { VkError } from './vk-error.js';

export interface HandlerContext {
  app: AppRecord;
  test: boolean;
  store: NotificationStore;
  /** Sync mode's wait for the game backend. */
  fulfilment: SyncFulfilment;
  now: Date;
}

/** Transaction titles are stored up to this length. */
const TITLE_MAX_STORED = 255;

const fromUnix = (seconds: string | undefined): Date | null => (seconds ? new Date(Number(seconds) * 1000) : null);

export type VkResponse = Record<string, string | number | bigint | undefined>;

function available<T extends ItemRecord>(record: T | null, what: string, id: string): T {
  if (!record) throw new VkError('ITEM_NOT_FOUND', `${what} "${id}" does not exist`);
  if (!record.active) throw new VkError('ITEM_UNAVAILABLE', `${what} "${id}" is not available`);
  return record;
}

/** Optional answer fields are left out rather than sent as null. */
function itemAnswer(item: ItemRecord): VkResponse {
  return {
    title: item.title,
    price: item.price,
    item_id: item.itemId,
    photo_url: item.photoUrl ?? undefined,
    discount: item.discount ?? undefined,
    expiration: item.expiration ?? undefined,
  };
}

export async function getItem(f: GetItemFields, ctx: HandlerContext): Promise<VkResponse> {
  return itemAnswer(available(await ctx.store.findCatalogItem(ctx.app.id, f.item), 'item', f.item));
}

export async function getSubscription(f: GetItemFields, ctx: HandlerContext): Promise<VkResponse> {
  const plan: PlanRecord = available(await ctx.store.findSubscriptionPlan(ctx.app.id, f.item), 'subscription', f.item);
  return { ...itemAnswer(plan), period: plan.period, trial_duration: plan.trialDuration ?? undefined };
}

export async function orderStatusChange(f: OrderStatusChangeFields, ctx: HandlerContext): Promise<VkResponse> {
  const { app, test, store } = ctx;
  const event = f.status === 'refunded' ? 'refunded' : 'paid';
  const answer = async (appOrderId: number): Promise<VkResponse> => {
    // Sync mode: "paid" only once the game backend has confirmed the grant. The payment is already
    // committed; error 2 (not critical) makes VK retry, and the retry finds it and asks again.
    if (app.syncFulfilment && !(await ctx.fulfilment.confirm(event, appOrderId))) {
      throw new VkError('TEMPORARY', 'the game backend has not confirmed yet, please retry');
    }
    return { order_id: BigInt(f.order_id), app_order_id: appOrderId };
  };

  if (f.status === 'refunded') {
    // A refund of an order we never recorded is refused (docs/protocol.md §3, unsure); a repeat answers the same.
    const refunded = await store.refundOrder(app.id, test, f.order_id, ctx.now, app);
    if (!refunded) throw new VkError('BAD_REQUEST', `order ${f.order_id} was never paid here, nothing to refund`);
    return answer(refunded.appOrderId);
  }

  // A repeat gets the first answer, even if the catalog changed since (docs/protocol.md §1). A new order is
  // the common case: while the catalog agrees, recordOrder alone inserts it or finds the first one's
  // record (one statement, no lookup before it); only a refusal first checks whether it is a repeat.
  let item: ItemRecord;
  try {
    item = available(await store.findCatalogItem(app.id, f.item), 'item', f.item);
    if (f.item_price === undefined) throw new VkError('BAD_REQUEST', 'missing field item_price');
    if (f.item_price !== item.price) {
      throw new VkError('PRICE_MISMATCH', `item "${f.item}" costs ${item.price} votes, not ${f.item_price}`);
    }
  } catch (refusal) {
    const seen = await store.findOrder(app.id, test, f.order_id);
    if (seen) return answer(seen.appOrderId);
    throw refusal;
  }
  const recorded = await store.recordOrder({
    appId: app.id,
    vkAppId: app.vkAppId,
    fulfilment: app.fulfilment,
    syncFulfilment: app.syncFulfilment,
    test,
    orderId: f.order_id,
    vkUserId: f.user_id,
    receiverId: f.receiver_id ?? null,
    itemId: item.itemId,
    // VK's title is what the buyer saw; one that is absent or longer than a title can be falls back to ours.
    title: f.item_title && f.item_title.length <= TITLE_MAX_STORED ? f.item_title : item.title,
    price: f.item_price,
    discount: f.item_discount ?? null,
    vkDate: fromUnix(f.date),
  });
  return answer(recorded.appOrderId);
}

function cancelReason(raw: string | undefined): CancelReason | null {
  if (raw === undefined || raw === '') return null;
  return (CANCEL_REASONS as readonly string[]).includes(raw) ? (raw as CancelReason) : 'unknown';
}

export async function subscriptionStatusChange(f: SubscriptionStatusChangeFields, ctx: HandlerContext): Promise<VkResponse> {
  const { app, test, store } = ctx;
  const state = {
    appId: app.id,
    vkAppId: app.vkAppId,
    fulfilment: app.fulfilment,
    syncFulfilment: false, // only order_status_change waits (the sync mode)
    test,
    subscriptionId: f.subscription_id,
    vkUserId: f.user_id,
    itemId: f.item_id,
    price: f.item_price ?? null,
    status: f.status,
    nextBillTime: fromUnix(f.next_bill_time),
    cancelReason: cancelReason(f.cancel_reason),
    pendingCancel: f.pending_cancel === '1',
  };
  const subscriptionId = BigInt(f.subscription_id);

  if (f.status !== 'chargeable') {
    await store.updateSubscription(state);
    return { subscription_id: subscriptionId };
  }

  // One charge per billing period: a repeat (same next_bill_time) answers the same (docs/protocol.md §3).
  const billingKey = f.next_bill_time ?? '';
  const answer = (appOrderId: number): VkResponse => ({ subscription_id: subscriptionId, app_order_id: appOrderId });
  const seen = await store.findSubscriptionCharge(app.id, test, f.subscription_id, billingKey);
  if (seen) return answer(seen.appOrderId);

  // Renewals are charged at VK's price even if the plan has changed since; only a vanished plan is refused.
  const plan = await store.findSubscriptionPlan(app.id, f.item_id);
  if (!plan) throw new VkError('ITEM_NOT_FOUND', `subscription "${f.item_id}" does not exist`);
  if (f.item_price === undefined) throw new VkError('BAD_REQUEST', 'missing field item_price');
  const recorded = await store.recordSubscriptionCharge({ ...state, billingKey, title: plan.title, price: f.item_price });
  return answer(recorded.appOrderId);
}
