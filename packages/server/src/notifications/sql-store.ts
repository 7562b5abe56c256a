/**
 * The real NotificationStore, on prepared statements (db/sql.ts): the same SQL on SQLite and
 * PostgreSQL, every call committed before it returns. Each write is idempotent by a unique key
 * (`on conflict do nothing`), so a repeated or concurrent notification — from this instance or another
 * one on the same database — finds the first one's row instead of making a second (docs/protocol.md §1).
 * Tables and columns are the entities' (schema from migrations only; the schema-diff test holds them).
 */
import { openAppKeys } from '../secrets/app-keys.js';
import { groupCommit } from '../db/group-commit.js';
import { one, readBoolean, readDate, readNumber, readStringList, run, type Op, type Row, type Sql } from '../db/sql.js';
import {
  dueAt,
  orderPaidEvent,
  orderRefundedEvent,
  queueEvent,
  queueOrderPaid,
  subscriptionChargedEvent,
  subscriptionStatusEvent,
  type WebhookEvent,
} from './outbox.js';
import type { LogEntry } from './handle.js';
import type { Secrets } from '../secrets/secrets.js';
import { storableEntry } from './storable-text.js';
import { INSERT_ORDER, logRows, ORDER_ROWS, orderValues, type LoggedListener } from './grouped-rows.js';
import type { AppRecord, ChargeDraft, ItemRecord, NotificationStore, PlanRecord, Recorded, SubscriptionState } from './store.js';

/** The store the endpoint writes through: the core's reads and writes, plus the log row of every request. */
export interface EndpointStore extends NotificationStore {
  /**
   * Writes the row of a request; given as a function, it is read as it stands when it is written and
   * when it is published (the deadline may pass while it waits: grouped-rows.ts LogRow).
   */
  writeLog(entry: LogEntry | (() => LogEntry)): Promise<number>;
  /** Rewrites the answer a written row records (VK got another one: notifications/deadline.ts). */
  correctLog(id: number, entry: Pick<LogEntry, 'response' | 'errorCode' | 'warning'>): Promise<void>;
}

// With the sync-mode flag of its game backend (one query: every notification asks for the app).
const FIND_APP = `select a.id, a.vk_app_id, a.secret_key, a.previous_secret_key, a.previous_secret_expires_at, a.api_version, a.mini_app_origins,
  coalesce(e.enabled, ?) as fulfilment, coalesce(e.enabled and e.sync_mode, ?) as sync_fulfilment
  from apps a left join fulfilment_endpoints e on e.app_id = a.id where a.vk_app_id = ?`;
const IS_TESTER = 'select 1 as yes from payment_testers where app_id = ? and vk_user_id = ?';
const FIND_ITEM =
  'select item_id, title, price, photo_url, discount, expiration, active from catalog_items where app_id = ? and item_id = ?';
const FIND_PLAN =
  'select item_id, title, price, photo_url, expiration, active, period, trial_duration from subscription_plans where app_id = ? and item_id = ?';
const FIND_ORDER = 'select id from transactions where app_id = ? and test = ? and order_id = ?';
// Refunded once: a repeat keeps the first refund time.
const REFUND = "update transactions set status = 'refunded', refunded_at = ? where id = ? and status = 'chargeable'";
const FIND_CHARGE = 'select id from transactions where app_id = ? and test = ? and subscription_id = ? and billing_key = ?';
const INSERT_CHARGE = `insert into transactions (app_id, test, subscription_id, billing_key, vk_user_id, item_id, title, price, status, created_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, 'chargeable', ?) on conflict (app_id, test, subscription_id, billing_key) do nothing returning id`;
// Keyed like VK keys it: (app, test, subscription_id). The creation time stays, and so do the last known
// price and period end when this notification carries none (a cancellation with pending_cancel=1 stays
// paid up to that end; docs/protocol.md §3).
const UPSERT_SUBSCRIPTION = `insert into subscriptions (app_id, test, subscription_id, vk_user_id, item_id, price, status, next_bill_time, cancel_reason, pending_cancel, created_at, updated_at)
  values (?, ?, ?, ?, ?, coalesce(?, 0), ?, ?, ?, ?, ?, ?)
  on conflict (app_id, test, subscription_id) do update set
    vk_user_id = excluded.vk_user_id, item_id = excluded.item_id, status = excluded.status,
    cancel_reason = excluded.cancel_reason, pending_cancel = excluded.pending_cancel, updated_at = excluded.updated_at,
    price = coalesce(?, subscriptions.price), next_bill_time = coalesce(?, subscriptions.next_bill_time)`;
// The row as it stands, with its plan's period (for the history stats replay: subscriptions/subscription-event.entity.ts).
const SUBSCRIPTION_STATE = `select s.id, s.vk_user_id, s.item_id, s.status, s.cancel_reason, s.pending_cancel, s.price, s.next_bill_time,
  s.updated_at, p.period from subscriptions s left join subscription_plans p on p.app_id = s.app_id and p.item_id = s.item_id
  where s.app_id = ? and s.test = ? and s.subscription_id = ?`;
const INSERT_EVENT = `insert into subscription_events (app_id, test, subscription_id, vk_user_id, item_id, status, cancel_reason,
  pending_cancel, price, period_days, next_bill_time, charge, occurred_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
// A late answer's log row (notifications/deadline.ts): what VK was told, once the processing ended.
const CORRECT_LOG = 'update notification_logs set response = ?, error_code = ?, warning = ? where id = ?';

const recorded = (row: Row | undefined): Recorded | null => (row ? { appOrderId: Number(row.id) } : null);

function item(row: Row): ItemRecord {
  return {
    itemId: String(row.item_id),
    title: String(row.title),
    price: Number(row.price),
    photoUrl: (row.photo_url as string | null) ?? null,
    discount: readNumber(row.discount),
    expiration: readNumber(row.expiration),
    active: readBoolean(row.active),
  };
}

const upsertSubscription = (s: SubscriptionState, now: Date): Op =>
  run(UPSERT_SUBSCRIPTION, [
    s.appId,
    s.test,
    s.subscriptionId,
    s.vkUserId,
    s.itemId,
    s.price,
    s.status,
    s.nextBillTime,
    s.cancelReason,
    s.pendingCancel,
    now,
    now,
    s.price,
    s.nextBillTime,
  ]);

/** What the history keeps of a state: a change of any of these is an event, a repeat is not. */
const historyKey = (row: Row | undefined): string =>
  row
    ? JSON.stringify([
        row.status,
        row.cancel_reason ?? null,
        readBoolean(row.pending_cancel),
        Number(row.price),
        readDate(row.next_bill_time)?.getTime() ?? null,
      ])
    : '';

/** The history row of a subscription's state `after` a change (a charge, or a change of its state). */
const subscriptionEvent = (s: SubscriptionState, after: Row, charge: boolean, now: Date): Op =>
  run(INSERT_EVENT, [
    s.appId,
    s.test,
    s.subscriptionId,
    Number(after.vk_user_id),
    String(after.item_id),
    String(after.status),
    (after.cancel_reason as string | null) ?? null,
    readBoolean(after.pending_cancel),
    Number(after.price),
    readNumber(after.period),
    readDate(after.next_bill_time),
    charge,
    now,
  ]);

/** The store's link to the fulfilment worker, and to whoever follows the log rows. */
export interface StoreEvents {
  /** A payment queued an event for the game backend (told after the commit: the worker wakes up). */
  queued(): void;
  /**
   * Once per group commit of log rows, with those rows (ids and entries), before their requests are
   * answered: the live log streams them and the cluster bus tells the other instances (logs/live.ts).
   */
  logged?: LoggedListener;
  /** `logged` threw: its rows stay committed and their requests are answered. */
  listenerFailed?(err: unknown): void;
  /**
   * `vk-payments listen` (fulfilment/listen.ts): whether somebody here listens to the app's events for
   * the game backend. Only then are they built for an app without an endpoint; they are never stored for a listener.
   */
  listening?(vkAppId: number): boolean;
  /** A payment's event for the game backend, after its commit (queued for the endpoint or not). Must not throw. */
  event?(e: WebhookEvent): void;
}

/** A committed log row: its id, and what was written (published from memory, never read back). */
export interface LoggedEntry {
  id: number;
  entry: LogEntry;
}

const NO_WORKER: StoreEvents = { queued: () => {} };

/**
 * `secrets` decrypts the app's keys as they are read, through its cache: a key is decrypted once per
 * ciphertext, not once per notification. A key that cannot be decrypted throws, and the core answers
 * error 2 (VK retries) and logs why (handle.ts): it is our fault, not a bad signature.
 */
export function createSqlStore(sql: Sql, secrets: Secrets, events: StoreEvents = NO_WORKER): EndpointStore {
  const findOrder = async (appId: number, test: boolean, orderId: string) => recorded(await sql.one(FIND_ORDER, [appId, test, orderId]));
  // The log rows, and the orders of apps without a game backend, of one event-loop turn share a commit.
  const group = groupCommit(sql, (err) => events.listenerFailed?.(err));
  const logs = logRows(events.logged);
  const findCharge = async (appId: number, test: boolean, subscriptionId: string, billingKey: string) =>
    recorded(await sql.one(FIND_CHARGE, [appId, test, subscriptionId, billingKey]));
  // A listener's failure is reported, never the payment's: it is committed and VK is answered as usual.
  const listening = (vkAppId: number): boolean => {
    try {
      return events.listening?.(vkAppId) ?? false;
    } catch (err) {
      events.listenerFailed?.(err);
      return false;
    }
  };
  const tell = (e: WebhookEvent | null): void => {
    if (!e) return;
    try {
      events.event?.(e);
    } catch (err) {
      events.listenerFailed?.(err);
    }
  };

  return {
    async findApp(id): Promise<AppRecord | null> {
      const row = await sql.one(FIND_APP, [false, false, id]);
      if (!row) return null;
      const vkAppId = Number(row.vk_app_id);
      const keys = openAppKeys(secrets, {
        vkAppId,
        sealedSecretKey: String(row.secret_key),
        sealedPreviousSecretKey: (row.previous_secret_key as string | null) ?? null,
      });
      return {
        id: Number(row.id),
        vkAppId,
        secretKey: keys.current,
        previousSecretKey: keys.previous,
        previousSecretExpiresAt: readDate(row.previous_secret_expires_at),
        apiVersion: String(row.api_version),
        fulfilment: readBoolean(row.fulfilment),
        syncFulfilment: readBoolean(row.sync_fulfilment),
        miniAppOrigins: readStringList(row.mini_app_origins),
      };
    },

    isPaymentTester: async (appId, vkUserId) => (await sql.one(IS_TESTER, [appId, vkUserId])) !== undefined,

    async findCatalogItem(appId, itemId) {
      const row = await sql.one(FIND_ITEM, [appId, itemId]);
      return row ? item(row) : null;
    },

    async findSubscriptionPlan(appId, itemId): Promise<PlanRecord | null> {
      const row = await sql.one(FIND_PLAN, [appId, itemId]);
      if (!row) return null;
      return { ...item({ ...row, discount: null }), period: Number(row.period), trialDuration: readNumber(row.trial_duration) };
    },

    findOrder,

    // The order and its event for the game backend commit together; a concurrent duplicate inserts
    // nothing and reads the winner's id.
    async recordOrder(d) {
      const now = new Date();
      // Without a game backend the order is one row of this turn's group commit (the hot path).
      const { row: inserted, queued } = d.fulfilment
        ? await sql.transaction(function* () {
            const row = recorded((yield one(INSERT_ORDER, orderValues({ draft: d, now }))) as Row | undefined);
            return { row, queued: row !== null && (yield* queueOrderPaid(d, row.appOrderId, now)) };
          })
        : { row: await group.write(ORDER_ROWS, { draft: d, now }), queued: false };
      if (queued && !d.syncFulfilment) events.queued();
      // The same `now`, so the listener gets the very body the outbox holds.
      if (inserted && listening(d.vkAppId)) tell(orderPaidEvent(d, inserted.appOrderId, now));
      const found = inserted ?? (await findOrder(d.appId, d.test, d.orderId));
      if (!found) throw new Error(`order ${d.orderId} neither inserted nor found`);
      return found;
    },

    async refundOrder(appId, test, orderId, at, target) {
      const found = await findOrder(appId, test, orderId);
      if (!found) return null;
      if (!target.fulfilment && !listening(target.vkAppId)) {
        await sql.run(REFUND, [at, found.appOrderId]);
        return found;
      }
      const { queued, event } = await sql.transaction(function* () {
        const changed = (yield run(REFUND, [at, found.appOrderId])) as number;
        if (changed === 0) return { queued: false, event: null };
        const event = yield* orderRefundedEvent(target, found.appOrderId, at);
        const due = dueAt(target.syncFulfilment, at);
        return { event, queued: event !== null && target.fulfilment && (yield* queueEvent(appId, event, at, due)) };
      });
      if (queued && !target.syncFulfilment) events.queued();
      tell(event);
      return found;
    },

    findSubscriptionCharge: findCharge,

    // The charge and the subscription's state commit together. A repeat of the period inserts nothing and
    // leaves the state as the first one wrote it.
    async recordSubscriptionCharge(d: ChargeDraft) {
      const now = new Date();
      const { row: charged, queued } = await sql.transaction(function* () {
        const row = recorded(
          (yield one(INSERT_CHARGE, [d.appId, d.test, d.subscriptionId, d.billingKey, d.vkUserId, d.itemId, d.title, d.price, now])) as
            Row | undefined,
        );
        if (row) {
          yield upsertSubscription(d, now);
          const after = (yield one(SUBSCRIPTION_STATE, [d.appId, d.test, d.subscriptionId])) as Row;
          yield subscriptionEvent(d, after, true, now);
        }
        return {
          row,
          queued: row !== null && d.fulfilment && (yield* queueEvent(d.appId, subscriptionChargedEvent(d, row.appOrderId, now), now)),
        };
      });
      if (queued) events.queued();
      if (charged && listening(d.vkAppId)) tell(subscriptionChargedEvent(d, charged.appOrderId, now));
      const found = charged ?? (await findCharge(d.appId, d.test, d.subscriptionId, d.billingKey));
      if (!found) throw new Error(`charge of subscription ${d.subscriptionId} neither inserted nor found`);
      return found;
    },

    // The state, its history row when it changed, and an event for the game backend when its status
    // changed (a repeat changes nothing).
    async updateSubscription(state) {
      const now = new Date();
      const key = [state.appId, state.test, state.subscriptionId];
      const listens = listening(state.vkAppId);
      const { queued, event } = await sql.transaction(function* () {
        const before = (yield one(SUBSCRIPTION_STATE, key)) as Row | undefined;
        yield upsertSubscription(state, now);
        const after = (yield one(SUBSCRIPTION_STATE, key)) as Row;
        if (historyKey(before) !== historyKey(after)) yield subscriptionEvent(state, after, false, now);
        // An event only when the status changed, and built only for an endpoint or a listener.
        if ((!state.fulfilment && !listens) || (before && before.status === state.status)) return { queued: false, event: null };
        const previous = before ? { status: String(before.status), updatedAtMs: readDate(before.updated_at)!.getTime() } : null;
        const event = subscriptionStatusEvent(state, Number(after.id), previous, now);
        return { event, queued: state.fulfilment && (yield* queueEvent(state.appId, event, now)) };
      });
      if (queued) events.queued();
      tell(event);
    },

    writeLog(e) {
      if (typeof e === 'function') return group.write(logs, () => storableEntry(e()));
      const stored = storableEntry(e);
      return group.write(logs, () => stored);
    },

    async correctLog(id, late) {
      const e = storableEntry(late);
      await sql.run(CORRECT_LOG, [e.response, e.errorCode, e.warning, id]);
    },
  };
}
