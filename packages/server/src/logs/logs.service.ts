/**
 * The notification log: one row per request to the endpoint, and the queries behind `notificationLogs`.
 */
import type { NotificationKind } from '@vk-payments/shared';

export interface LogFilter {
  types?: NotificationKind[] | null;
  test?: boolean | null;
  errorCode?: number | null;
  ok?: boolean | null;
  warning?: boolean | null;
  vkUserId?: number | null;
  orderId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** SQL conditions and their values, `?` placeholders, the same on both stores. */
export interface Conditions {
  sql: string;
  params: (string | number | boolean | Date)[];
}

/** How values are written to a store's columns: SQLite keeps booleans as 0/1 and times as epoch ms. */
export interface ColumnValues {
  bool(b: boolean): boolean | number;
  date(d: Date): Date | number;
}

/**
 * The filter of `notificationLogs` as SQL over notification_logs. Every condition is on the app first, so
 * the (app_id, …) indexes serve them.
 */
export function logConditions(appId: number, f: LogFilter, values: ColumnValues): Conditions {
  const sql = ['app_id = ?'];
  const params: Conditions['params'] = [appId];
  const add = (condition: string, ...more: Conditions['params']): void => {
    sql.push(condition);
    params.push(...more);
  };
  if (f.types?.length) add(`notification_type in (${f.types.map(() => '?').join(', ')})`, ...f.types);
  if (f.test != null) add('test = ?', values.bool(f.test));
  if (f.errorCode != null) add('error_code = ?', f.errorCode);
  else if (f.ok != null) add(f.ok ? 'error_code is null' : 'error_code is not null');
  if (f.warning != null) add(f.warning ? 'warning is not null' : 'warning is null');
  if (f.vkUserId != null) add('vk_user_id = ?', f.vkUserId);
  if (f.orderId != null) add('order_id = ?', f.orderId);
  if (f.from != null) add('received_at >= ?', values.date(f.from));
  if (f.to != null) add('received_at < ?', values.date(f.to));
  return { sql: sql.join(' and '), params };
}

/** What `matchesLogFilter` reads of a row: a live row as written (live.ts) or as read back. */
export interface FilterableLogRow {
  notificationType: NotificationKind | null;
  test: boolean;
  errorCode: number | null;
  warning: string | null;
  vkUserId: number | null;
  orderId: string | null;
  receivedAt: Date;
}

/** The filter of `notificationLogs` over one row in memory (the live tail, `notificationLogged`): the conditions of logConditions. */
export function matchesLogFilter(r: FilterableLogRow, f: LogFilter): boolean {
  if (f.types?.length && (r.notificationType === null || !f.types.includes(r.notificationType))) return false;
  if (f.test != null && r.test !== f.test) return false;
  if (f.errorCode != null) {
    if (r.errorCode !== f.errorCode) return false;
  } else if (f.ok != null && (r.errorCode === null) !== f.ok) return false;
  if (f.warning != null && (r.warning !== null) !== f.warning) return false;
  if (f.vkUserId != null && r.vkUserId !== f.vkUserId) return false;
  if (f.orderId != null && r.orderId !== f.orderId) return false;
  if (f.from != null && r.receivedAt < f.from) return false;
  if (f.to != null && r.receivedAt >= f.to) return false;
  return true;
}
