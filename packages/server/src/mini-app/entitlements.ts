/**
 * What a mini app's front-end may ask about its user (docs/protocol.md §9): what they own
 * (`entitlements`) and one of their orders. Reads over the endpoint's own statements (db/sql.ts), so
 * these answers never wait for the admin API to load. Every read is bounded to one app and one user;
 * test payments are read only for the app's payment testers (docs/protocol.md §5).
 */
import { readBoolean, readDate, type Row, type SqlQueries, type SqlValue } from '../db/sql.js';
import { isActiveSubscription } from './subscription-state.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;
/** Subscriptions and refunds per answer: far more than one user has; the newest are kept. */
export const MAX_SIDE_LIST = 100;
/**
 * `asOf` runs this far behind the clock: a payment is stamped when it is handled and committed a moment
 * later, so a poll that used the clock itself as the next `since` could miss one committing meanwhile.
 */
export const AS_OF_MARGIN_MS = 5_000;

export interface Viewer {
  /** apps.id */
  appId: number;
  vkAppId: number;
  vkUserId: number;
  /** A payment tester of the app: sees its test payments too. */
  tester: boolean;
}

export interface EntitlementsQuery {
  limit: number;
  /** The id after which the page starts (decoded cursor). */
  afterId: number | null;
  since: Date | null;
}

export interface Entitlements {
  vkAppId: number;
  vkUserId: number;
  items: { itemId: string; orderId: string; appOrderId: number; price: number; paidAt: string; test: boolean }[];
  subscriptions: {
    itemId: string;
    subscriptionId: string;
    status: string;
    periodEnd: string | null;
    pendingCancel: boolean;
    test: boolean;
  }[];
  /** Only with `since`: orders refunded since then. */
  revoked?: { orderId: string; refundedAt: string; test: boolean }[];
  /** The `after` of the next page of items, or null on the last one. */
  nextCursor: string | null;
  /** What to pass as the next `since`. */
  asOf: string;
}

export interface Order {
  orderId: string;
  appOrderId: number;
  itemId: string;
  status: string;
  paidAt: string;
  refundedAt: string | null;
  test: boolean;
}

const CURSOR_PREFIX = 'o1:';

export const encodeCursor = (id: number): string => Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');

/** The id in a cursor this API gave, or null for anything else. */
export function decodeCursor(cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = new RegExp(`^${CURSOR_PREFIX}([1-9][0-9]{0,14})$`).exec(text);
  return m ? Number(m[1]) : null;
}

const iso = (v: unknown): string => readDate(v)!.toISOString();
const isoOrNull = (v: unknown): string | null => readDate(v)?.toISOString() ?? null;

/** `and test = false` unless the viewer is a tester, who sees both. */
const testFilter = (viewer: Viewer): [string, SqlValue[]] => (viewer.tester ? ['', []] : [' and test = ?', [false]]);

export async function entitlements(sql: SqlQueries, viewer: Viewer, q: EntitlementsQuery, now: Date): Promise<Entitlements> {
  const [onlyReal, realParams] = testFilter(viewer);
  const who = [viewer.appId, viewer.vkUserId];
  const since = q.since ? [q.since] : [];

  const itemRows = await sql.all(
    `select id, order_id, item_id, price, created_at, test from transactions
      where app_id = ? and vk_user_id = ? and order_id is not null and status = 'chargeable'${onlyReal}
      ${q.since ? 'and created_at >= ?' : ''} ${q.afterId !== null ? 'and id < ?' : ''}
      order by id desc limit ?`,
    [...who, ...realParams, ...since, ...(q.afterId !== null ? [q.afterId] : []), q.limit + 1],
  );
  const page = itemRows.slice(0, q.limit);

  const subscriptionRows = await sql.all(
    `select subscription_id, item_id, status, next_bill_time, pending_cancel, test from subscriptions
      where app_id = ? and vk_user_id = ?${onlyReal} ${q.since ? 'and updated_at >= ?' : ''}
      order by id desc limit ?`,
    [...who, ...realParams, ...since, MAX_SIDE_LIST],
  );
  // Without `since`: what the user owns now. With it: every subscription that changed, in whatever state
  // it is now, so a poll sees a cancellation too (its status says so).
  const subscriptions = (q.since ? subscriptionRows : subscriptionRows.filter((r) => isActiveSubscription(subscriptionState(r), now))).map(
    (r) => ({
      itemId: String(r.item_id),
      subscriptionId: String(r.subscription_id),
      status: String(r.status),
      periodEnd: isoOrNull(r.next_bill_time),
      pendingCancel: readBoolean(r.pending_cancel),
      test: readBoolean(r.test),
    }),
  );

  const answer: Entitlements = {
    vkAppId: viewer.vkAppId,
    vkUserId: viewer.vkUserId,
    items: page.map((r) => ({
      itemId: String(r.item_id),
      orderId: String(r.order_id),
      appOrderId: Number(r.id),
      price: Number(r.price),
      paidAt: iso(r.created_at),
      test: readBoolean(r.test),
    })),
    subscriptions,
    nextCursor: itemRows.length > q.limit ? encodeCursor(Number(page[page.length - 1]!.id)) : null,
    asOf: new Date(now.getTime() - AS_OF_MARGIN_MS).toISOString(),
  };
  if (q.since) {
    const refunds = await sql.all(
      `select order_id, refunded_at, test from transactions
        where app_id = ? and vk_user_id = ? and order_id is not null and status = 'refunded'${onlyReal} and refunded_at >= ?
        order by refunded_at desc limit ?`,
      [...who, ...realParams, q.since, MAX_SIDE_LIST],
    );
    answer.revoked = refunds.map((r) => ({ orderId: String(r.order_id), refundedAt: iso(r.refunded_at), test: readBoolean(r.test) }));
  }
  return answer;
}

const subscriptionState = (r: Row) => ({
  status: String(r.status),
  pendingCancel: readBoolean(r.pending_cancel),
  periodEnd: readDate(r.next_bill_time),
});

/**
 * One of the user's orders. A test order and a real one may share VK's id (docs/protocol.md §1): the real
 * one wins unless `test` asks for the test one; a test order is found only for a payment tester.
 */
export async function findOrder(sql: SqlQueries, viewer: Viewer, orderId: string, test: boolean | null): Promise<Order | null> {
  const kinds = test === true ? [true] : test === false ? [false] : [false, true];
  for (const kind of kinds) {
    if (kind && !viewer.tester) continue;
    const row = await sql.one(
      `select id, order_id, item_id, status, created_at, refunded_at, test from transactions
        where app_id = ? and test = ? and order_id = ? and vk_user_id = ?`,
      [viewer.appId, kind, orderId, viewer.vkUserId],
    );
    if (row) {
      return {
        orderId: String(row.order_id),
        appOrderId: Number(row.id),
        itemId: String(row.item_id),
        status: String(row.status),
        paidAt: iso(row.created_at),
        refundedAt: isoOrNull(row.refunded_at),
        test: readBoolean(row.test),
      };
    }
  }
  return null;
}
