/**
 * What the notification core needs from storage. The core is pure over this interface; the real
 * implementation (`sql-store.ts`) runs prepared statements on SQLite or PostgreSQL, and tests use that same one.
 */
import type { CancelReason, SubscriptionStatus } from '@vk-payments/shared';

export interface AppRecord {
  id: number;
  vkAppId: number;
  secretKey: string;
  /** The key before the last rotation; it still verifies until `previousSecretExpiresAt`. */
  previousSecretKey: string | null;
  previousSecretExpiresAt: Date | null;
  apiVersion: string;
  /** The app has an enabled game-backend webhook: payments queue events for it (notifications/outbox.ts). */
  fulfilment: boolean;
  /** The app's game backend confirms order_status_change before we answer it (fulfilment sync mode). */
  syncFulfilment: boolean;
  /** Where its mini app's front-end runs (apps/mini-app-origins.ts): read with the app for the mini app API's CORS. */
  miniAppOrigins: readonly string[];
}

/** Who a payment's event for the game backend is about, and whether there is a backend to tell. */
export interface EventTarget {
  vkAppId: number;
  /** False: no enabled webhook when the notification came, so no event (and no transaction for one). */
  fulfilment: boolean;
  /** Sync mode: the request itself delivers the order's event (SyncFulfilment), not the background worker. */
  syncFulfilment: boolean;
}

export interface ItemRecord {
  itemId: string;
  title: string;
  price: number;
  photoUrl: string | null;
  /** Items only: plans have no discount. */
  discount?: number | null;
  expiration: number | null;
  active: boolean;
}

export interface PlanRecord extends ItemRecord {
  period: number;
  trialDuration: number | null;
}

export interface OrderDraft extends EventTarget {
  appId: number;
  test: boolean;
  orderId: string;
  vkUserId: number;
  receiverId: number | null;
  itemId: string;
  title: string;
  price: number;
  discount: number | null;
  vkDate: Date | null;
}

export interface SubscriptionState extends EventTarget {
  appId: number;
  test: boolean;
  subscriptionId: string;
  vkUserId: number;
  itemId: string;
  price: number | null;
  status: SubscriptionStatus;
  nextBillTime: Date | null;
  cancelReason: CancelReason | null;
  pendingCancel: boolean;
}

export interface ChargeDraft extends SubscriptionState {
  /** One charge per billing period: the `next_bill_time` as sent ('' when absent). */
  billingKey: string;
  title: string;
  price: number;
}

/** Our side of a recorded payment. */
export interface Recorded {
  appOrderId: number;
}

export interface NotificationStore {
  findApp(vkAppId: number): Promise<AppRecord | null>;
  /** Whether the user is on the app's payment-tester list. Asked for `_test` notifications only. */
  isPaymentTester(appId: number, vkUserId: number): Promise<boolean>;
  findCatalogItem(appId: number, itemId: string): Promise<ItemRecord | null>;
  findSubscriptionPlan(appId: number, itemId: string): Promise<PlanRecord | null>;
  findOrder(appId: number, test: boolean, orderId: string): Promise<Recorded | null>;
  /** Records the order once; a repeat (even a concurrent one) returns the first record. */
  recordOrder(draft: OrderDraft): Promise<Recorded>;
  /** Marks the order refunded (once; the game backend hears of it once); null when there is no such order. */
  refundOrder(appId: number, test: boolean, orderId: string, at: Date, target: EventTarget): Promise<Recorded | null>;
  findSubscriptionCharge(appId: number, test: boolean, subscriptionId: string, billingKey: string): Promise<Recorded | null>;
  /** Stores the subscription's state and its charge in one transaction, once per billing key. */
  recordSubscriptionCharge(draft: ChargeDraft): Promise<Recorded>;
  updateSubscription(state: SubscriptionState): Promise<void>;
}

/**
 * Sync mode's wait for the game backend. It is a network call, not storage, so the endpoint is given it
 * beside the store (the fulfilment worker in the server, a sentence in a dry run).
 */
export interface SyncFulfilment {
  /**
   * Sends the payment's (or refund's) event to the game backend now unless it has it already; true once
   * it has it, or when there is no event to wait for (none was queued). Waits a few seconds at most.
   */
  confirm(event: 'paid' | 'refunded', appOrderId: number): Promise<boolean>;
}
