/**
 * `replayNotification`: a logged request run again through today's handler (today's catalog, keys,
 * rules) in a dry run — reads are real, writes are only described — and today's answer set beside the
 * one we gave then, with what differs. "Would it pass now?" after fixing a price or rotating a key.
 */
import { handleNotification } from '../notifications/handle.js';
import type { NotificationStore, Recorded, SyncFulfilment } from '../notifications/store.js';
import { answerJson } from './scenario.js';

/** What a dry run stands in for the id a new transaction would get. */
export const DRY_RUN_ORDER_ID = 0;

/** The store with every write, and sync mode's wait, replaced by a sentence saying what it would have done. */
export function dryRun(real: NotificationStore): { store: NotificationStore; fulfilment: SyncFulfilment; effects: string[] } {
  const effects: string[] = [];
  const wouldRecord = (what: string): Recorded => {
    effects.push(`would record ${what} as a new transaction (app_order_id ${DRY_RUN_ORDER_ID} stands for the id it would get)`);
    return { appOrderId: DRY_RUN_ORDER_ID };
  };
  const store: NotificationStore = {
    findApp: (vkAppId) => real.findApp(vkAppId),
    isPaymentTester: (appId, vkUserId) => real.isPaymentTester(appId, vkUserId),
    findCatalogItem: (appId, itemId) => real.findCatalogItem(appId, itemId),
    findSubscriptionPlan: (appId, itemId) => real.findSubscriptionPlan(appId, itemId),
    findOrder: (appId, test, orderId) => real.findOrder(appId, test, orderId),
    findSubscriptionCharge: (appId, test, subscriptionId, billingKey) =>
      real.findSubscriptionCharge(appId, test, subscriptionId, billingKey),
    // A repeat returns the first record, as the real store's does (store.ts).
    recordOrder: async (d) =>
      (await real.findOrder(d.appId, d.test, d.orderId)) ??
      wouldRecord(`order ${d.orderId} (${d.itemId}, ${d.price} votes, user ${d.vkUserId})`),
    async refundOrder(appId, test, orderId) {
      const found = await real.findOrder(appId, test, orderId);
      if (found) effects.push(`would mark order ${orderId} refunded (if it is not already)`);
      return found;
    },
    recordSubscriptionCharge: (d) =>
      Promise.resolve(
        wouldRecord(`a charge of subscription ${d.subscriptionId} (${d.price} votes, period to ${d.billingKey || 'unknown'})`),
      ),
    updateSubscription(s) {
      effects.push(`would set subscription ${s.subscriptionId} to ${s.status}${s.cancelReason ? ` (${s.cancelReason})` : ''}`);
      return Promise.resolve();
    },
  };
  const fulfilment: SyncFulfilment = {
    confirm(event, appOrderId) {
      effects.push(
        `would wait for the game backend to confirm the ${event === 'paid' ? 'payment' : 'refund'} of order ${appOrderId} (sync mode)`,
      );
      return Promise.resolve(true);
    },
  };
  return { store, fulfilment, effects };
}

/** Every leaf of a JSON value by its path: `error.error_code` → 10. */
function leaves(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else {
    out.set(path || '(answer)', JSON.stringify(value));
  }
  return out;
}

/** `path: then → now` for each leaf that changed, appeared or disappeared. */
export function answerDifferences(then: unknown, now: unknown): string[] {
  const a = leaves(then);
  const b = leaves(now);
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  return paths.filter((p) => a.get(p) !== b.get(p)).map((p) => `${p}: ${a.get(p) ?? '(absent)'} → ${b.get(p) ?? '(absent)'}`);
}

export interface Replay {
  storedAnswer: unknown;
  todayAnswer: unknown;
  same: boolean;
  differences: string[];
  effects: string[];
  todayErrorCode: number | null;
  todaySignedWith: 'current' | 'previous' | null;
}

/** The form body again from the log's decoded fields (a repeated field was logged as a list of its values). */
export function formBody(request: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(request)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return form.toString();
}

/** `request` is the log row's decoded fields; `storedResponse` the answer we gave, as sent. */
export async function replay(
  request: Record<string, unknown>,
  storedResponse: string,
  real: NotificationStore,
  now: Date,
): Promise<Replay> {
  const { store, fulfilment, effects } = dryRun(real);
  const handled = await handleNotification(formBody(request), { store, fulfilment, now: () => now });
  const storedAnswer = answerJson(storedResponse);
  const todayAnswer = answerJson(handled.body);
  const differences = answerDifferences(storedAnswer, todayAnswer);
  return {
    storedAnswer,
    todayAnswer,
    same: differences.length === 0,
    differences,
    effects,
    todayErrorCode: handled.log.errorCode,
    todaySignedWith: handled.log.signedWith,
  };
}
