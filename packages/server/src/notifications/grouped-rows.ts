/**
 * The endpoint's rows that are written in groups (db/group-commit.ts): the log row of every request, and
 * the order of an app without a game backend (one with a backend commits its order with the outbox
 * event, sql-store.ts). Each kind as one row's statement, and on PostgreSQL as one statement for a whole
 * group: the columns as arrays through `unnest`, constant text, so it is prepared once by name.
 */
import type { RowKind } from '../db/group-commit.js';
import { one, readBoolean, type Row } from '../db/sql.js';
import type { LogEntry } from './handle.js';
import type { OrderDraft, Recorded } from './store.js';

const LOG_COLUMNS = `app_id, vk_app_id, received_at, raw_type, notification_type, test, vk_user_id, order_id,
  subscription_id, request, response, error_code, signature_valid, signed_with, warning, duration_ms`;
// A row whose app the request could not look up (the database failed or hung: its answer was error 2)
// still belongs to the app its app_id names, when there is one, so the app's log shows it.
const INSERT_LOG = `insert into notification_logs (${LOG_COLUMNS})
  values (coalesce(?, (select id from apps where vk_app_id = ?)), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`;
// `order by n`: the rows are inserted, and so numbered by the id sequence, in the order they were given.
const INSERT_LOGS = `insert into notification_logs (${LOG_COLUMNS})
  select coalesce(app_id, (select a.id from apps a where a.vk_app_id = r.vk_app_id)), vk_app_id, received_at, raw_type, notification_type, test, vk_user_id, order_id,
    subscription_id, request::jsonb, response, error_code, signature_valid, signed_with, warning, duration_ms
  from unnest(?::int[], ?::bigint[], ?::timestamptz[], ?::text[], ?::text[], ?::boolean[], ?::bigint[], ?::text[],
    ?::text[], ?::text[], ?::text[], ?::int[], ?::boolean[], ?::text[], ?::text[], ?::float8[])
    with ordinality as r(app_id, vk_app_id, received_at, raw_type, notification_type, test, vk_user_id, order_id,
      subscription_id, request, response, error_code, signature_valid, signed_with, warning, duration_ms, n)
  order by n returning id`;

const logValues = (e: LogEntry) =>
  [
    e.appId,
    e.vkAppId,
    e.receivedAt,
    e.rawType,
    e.notificationType,
    e.test,
    e.vkUserId,
    e.orderId,
    e.subscriptionId,
    JSON.stringify(e.request),
    e.response,
    e.errorCode,
    e.signatureValid,
    e.signedWith,
    e.warning,
    e.durationMs,
  ] as const;

/** The i-th column of every row, as one array parameter. */
function columns<V extends readonly (string | number | boolean | Date | null)[]>(rows: readonly V[], width: number): V[number][][] {
  const out: V[number][][] = Array.from({ length: width }, () => []);
  for (const values of rows) values.forEach((v, i) => out[i]!.push(v));
  return out;
}

/** Told once per group commit with the log rows it committed (the cluster bus publishes from here). */
export type LoggedListener = (rows: ReadonlyArray<{ id: number; entry: LogEntry }>) => void;

/**
 * A log row as it stands now: read when its statement is built and again when it is published, so a
 * row whose answer changed while it waited (the deadline passed: notifications/deadline.ts) is written
 * and streamed with the answer VK got.
 */
export type LogRow = () => LogEntry;

export function logRows(logged?: LoggedListener): RowKind<LogRow, number> {
  return {
    *one(row) {
      const e = row();
      const [appId, ...rest] = logValues(e);
      return Number(((yield one(INSERT_LOG, [appId, e.vkAppId, ...rest])) as Row).id);
    },
    many: (rows) => ({
      sql: INSERT_LOGS,
      params: columns(
        rows.map((row) => logValues(row())),
        16,
      ),
      // Ids come from one sequence in insertion order, which is the order given.
      read: (returned) => returned.map((r) => Number(r.id)).sort((a, b) => a - b),
    }),
    ...(logged && { committed: (rows) => logged(rows.map(({ row, result }) => ({ id: result, entry: row() }))) }),
  };
}

/** An order to insert, and when it was recorded. */
export interface OrderRow {
  draft: OrderDraft;
  now: Date;
}

const ORDER_COLUMNS = 'app_id, test, order_id, vk_user_id, receiver_id, item_id, title, price, discount, status, vk_date, created_at';
export const INSERT_ORDER = `insert into transactions (${ORDER_COLUMNS})
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'chargeable', ?, ?) on conflict (app_id, test, order_id) do nothing returning id`;
// A repeat (an order already recorded, or twice in one group) inserts nothing and returns no row: its
// writer finds the first one's id after the commit. `order by` the key: every instance takes the keys'
// locks in one order, so two groups with the same orders wait for each other instead of deadlocking
// (`read` maps the returned rows by key; `with ordinality` keeps the first of two equal orders first).
const INSERT_ORDERS = `insert into transactions (${ORDER_COLUMNS})
  select app_id, test, order_id, vk_user_id, receiver_id, item_id, title, price, discount, 'chargeable', vk_date, created_at
  from unnest(?::int[], ?::boolean[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::int[], ?::int[], ?::timestamptz[], ?::timestamptz[])
    with ordinality as r(app_id, test, order_id, vk_user_id, receiver_id, item_id, title, price, discount, vk_date, created_at, n)
  order by app_id, test, order_id, n
  on conflict (app_id, test, order_id) do nothing returning id, app_id, test, order_id`;

export const orderValues = ({ draft: d, now }: OrderRow) =>
  [d.appId, d.test, d.orderId, d.vkUserId, d.receiverId, d.itemId, d.title, d.price, d.discount, d.vkDate, now] as const;

const orderKey = (appId: unknown, test: unknown, orderId: unknown): string => `${Number(appId)}/${readBoolean(test)}/${String(orderId)}`;

/** Orders of apps without a game backend: the id, or null when the order was already recorded. */
export const ORDER_ROWS: RowKind<OrderRow, Recorded | null> = {
  *one(o) {
    const row = (yield one(INSERT_ORDER, orderValues(o))) as Row | undefined;
    return row ? { appOrderId: Number(row.id) } : null;
  },
  many: (orders) => ({
    sql: INSERT_ORDERS,
    params: columns(orders.map(orderValues), 11),
    read(returned) {
      const ids = new Map(returned.map((r) => [orderKey(r.app_id, r.test, r.order_id), Number(r.id)]));
      // The first of two equal orders in one group is the one inserted; the second is a repeat.
      const seen = new Set<string>();
      return orders.map(({ draft: d }) => {
        const key = orderKey(d.appId, d.test, d.orderId);
        const id = seen.has(key) ? undefined : ids.get(key);
        seen.add(key);
        return id === undefined ? null : { appOrderId: id };
      });
    },
  }),
};
