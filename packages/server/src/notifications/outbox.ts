/**
 * The outbox: events for the game backend, written in the same transaction as the payment that causes
 * them, so a committed payment always has its event and a rolled-back one never does. The insert is a
 * no-op unless the app has an enabled fulfilment endpoint, so apps without one pay nothing but the
 * statement. Event ids are derived from the payment (`msg_paid_<appOrderId>`): a repeat of VK's
 * notification cannot queue a second event (unique key), and the receiver dedupes on `webhook-id`.
 */
import { one, run, type Row, type TxBody } from '../db/sql.js';
import type { ChargeDraft, EventTarget, OrderDraft, SubscriptionState } from './store.js';
import { NOTIFICATION_DEADLINE_MS } from './deadline.js';

/**
 * How long VK's request waits for the game backend in sync mode: within the endpoint's answer deadline,
 * with time left for the commit, so VK hears "not confirmed yet" rather than the deadline's error 2.
 */
export const SYNC_TIMEOUT_MS = NOTIFICATION_DEADLINE_MS - 500;

export const EVENT_TYPES = ['order.paid', 'order.refunded', 'subscription.changed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The `webhook-id` of a payment's event: derived from the payment, so it is queued once. */
export const eventId = (kind: 'paid' | 'refunded' | 'charged', appOrderId: number): string => `msg_${kind}_${appOrderId}`;

const QUEUE = `insert into fulfilment_deliveries (app_id, event_id, event_type, payload, transaction_id, vk_user_id, status, attempts, next_attempt_at, created_at)
  select app_id, ?, ?, ?, ?, ?, 'pending', 0, ?, ? from fulfilment_endpoints where app_id = ? and enabled = ?
  on conflict (event_id) do nothing`;

const ORDER_BY_ID =
  'select t.id, t.order_id, t.vk_user_id, t.receiver_id, t.item_id, t.title, t.price, t.discount, t.test from transactions t where t.id = ?';

/**
 * One event for the game backend, as it is sent: its `webhook-id` and the exact JSON body. The same
 * event goes to the outbox (when the app has an enabled endpoint) and to `vk-payments listen`
 * (fulfilment/listen.ts, when somebody listens): both sign these very bytes.
 */
export interface WebhookEvent {
  vkAppId: number;
  /** Whom it is about (the deliveries' vk_user_id column). */
  vkUserId: number;
  id: string;
  type: EventType;
  transactionId: number | null;
  body: string;
}

function webhookEvent(
  vkAppId: number,
  id: string,
  type: EventType,
  transactionId: number | null,
  data: Record<string, unknown> & { vkUserId: number },
  now: Date,
): WebhookEvent {
  const body = JSON.stringify({ type, timestamp: now.toISOString(), data });
  return { vkAppId, vkUserId: data.vkUserId, id, type, transactionId, body };
}

/** Queues one event (a step of the payment's transaction); true when queued (an enabled endpoint, a new event). */
export function* queueEvent(appId: number, e: WebhookEvent, now: Date, dueAt = now): TxBody<boolean> {
  // The user in a column of its own too: the customer view finds one user's deliveries by index.
  return ((yield run(QUEUE, [e.id, e.type, e.body, e.transactionId, e.vkUserId, dueAt, now, appId, true])) as number) > 0;
}

/**
 * In sync mode the request that caused the event delivers it (worker.ts deliverNow); the background
 * worker takes it only if that did not settle it within its deadline.
 */
export const dueAt = (sync: boolean, now: Date): Date => (sync ? new Date(now.getTime() + SYNC_TIMEOUT_MS) : now);

export function orderPaidEvent(d: OrderDraft, appOrderId: number, now: Date): WebhookEvent {
  return webhookEvent(
    d.vkAppId,
    eventId('paid', appOrderId),
    'order.paid',
    appOrderId,
    {
      vkAppId: d.vkAppId,
      appOrderId,
      orderId: d.orderId,
      vkUserId: d.vkUserId,
      receiverId: d.receiverId,
      itemId: d.itemId,
      title: d.title,
      price: d.price,
      discount: d.discount,
      test: d.test,
    },
    now,
  );
}

export function queueOrderPaid(d: OrderDraft, appOrderId: number, now: Date): TxBody<boolean> {
  return queueEvent(d.appId, orderPaidEvent(d, appOrderId, now), now, dueAt(d.syncFulfilment, now));
}

/** The refund's event, read from the refunded transaction (a step of the refund's transaction); null without one. */
export function* orderRefundedEvent(target: EventTarget, appOrderId: number, now: Date): TxBody<WebhookEvent | null> {
  const t = (yield one(ORDER_BY_ID, [appOrderId])) as Row | undefined;
  if (!t) return null;
  return webhookEvent(
    target.vkAppId,
    eventId('refunded', appOrderId),
    'order.refunded',
    appOrderId,
    {
      vkAppId: target.vkAppId,
      appOrderId,
      orderId: t.order_id,
      vkUserId: Number(t.vk_user_id),
      receiverId: t.receiver_id === null ? null : Number(t.receiver_id),
      itemId: t.item_id,
      title: t.title,
      price: Number(t.price),
      test: t.test === true || t.test === 1,
      refundedAt: now.toISOString(),
    },
    now,
  );
}

/** A subscription's new paid period: grant (or extend) it until nextBillTime. */
export function subscriptionChargedEvent(d: ChargeDraft, appOrderId: number, now: Date): WebhookEvent {
  return webhookEvent(
    d.vkAppId,
    eventId('charged', appOrderId),
    'subscription.changed',
    appOrderId,
    {
      vkAppId: d.vkAppId,
      appOrderId,
      subscriptionId: d.subscriptionId,
      vkUserId: d.vkUserId,
      itemId: d.itemId,
      status: d.status,
      price: d.price,
      nextBillTime: d.nextBillTime?.toISOString() ?? null,
      test: d.test,
    },
    now,
  );
}

/**
 * A subscription's status changed without a charge (cancelled, active again): the game revokes or keeps
 * the perk. Called only when the status differs from the stored one; the id names the change by the row
 * and the state it left (its update time), so two instances handling one repeat queue it once.
 */
export function subscriptionStatusEvent(
  s: SubscriptionState,
  subscriptionRowId: number,
  previous: { status: string; updatedAtMs: number } | null,
  now: Date,
): WebhookEvent {
  const id = `msg_subscription_${subscriptionRowId}_${s.status}_${previous?.updatedAtMs ?? 0}`;
  return webhookEvent(
    s.vkAppId,
    id,
    'subscription.changed',
    null,
    {
      vkAppId: s.vkAppId,
      subscriptionId: s.subscriptionId,
      vkUserId: s.vkUserId,
      itemId: s.itemId,
      status: s.status,
      previousStatus: previous?.status ?? null,
      cancelReason: s.cancelReason,
      pendingCancel: s.pendingCancel,
      nextBillTime: s.nextBillTime?.toISOString() ?? null,
      test: s.test,
    },
    now,
  );
}
