/**
 * What the log view asks the server (`notificationLogs`, and `notificationLogged` for the live tail),
 * the filter as the server takes it, and the same filter applied to rows that arrive live — the server
 * publishes every row of the app, so the view decides which belong on screen.
 */
import type { Connection } from '../../components/cursor-list.js';
import { dayEnd, dayStart, parseUserId } from '../../components/filters.js';
import type { Filter } from '../../components/list-filters.js';
import type { LogsQuery } from '../../generated/operations.js';

/** VK's notification types, as VK names them (the API's enum is upper case): the shared protocol's list. */
export { NOTIFICATION_KINDS as KINDS } from '@vk-payments/shared';

/** A row of the log, as LOGS_QUERY and LIVE_SUBSCRIPTION both ask for it (`FIELDS`). */
export type LogRow = LogsQuery['notificationLogs']['edges'][number]['node'];

const FIELDS =
  'id receivedAt rawType notificationType test vkUserId orderId subscriptionId request response ok errorCode signatureValid signedWith warning durationMs';

export const LOGS_QUERY = `query($vkAppId:Int!,$filter:NotificationLogFilter,$first:Int,$after:String){notificationLogs(vkAppId:$vkAppId,filter:$filter,first:$first,after:$after){totalCount pageInfo{hasNextPage endCursor}edges{node{${FIELDS}}}}}`;

export const LIVE_SUBSCRIPTION = `subscription($vkAppId:Int!){notificationLogged(vkAppId:$vkAppId){${FIELDS}}}`;

export type LogConnection = Connection<LogRow>;

/**
 * The `NotificationLogFilter` input for a (validated) form: the form's `type`, `result` (ok, errors),
 * `test` (test, real), `user`, `order`, `from` and `to`. What is not set stays undefined (left out).
 */
export const toFilter = (f: Filter) => ({
  types: f.type && [f.type.toUpperCase()],
  ok: f.result && f.result === 'ok',
  test: f.test && f.test === 'test',
  vkUserId: parseUserId(f.user),
  orderId: f.order,
  from: dayStart(f.from),
  to: dayEnd(f.to),
});

/** Whether a row that arrived live passes the filter on screen (the server's `logWhere`, client-side). */
export function matches(row: LogRow, f: Filter): boolean {
  const q = toFilter(f);
  const at = Date.parse(row.receivedAt);
  return (
    (q.types?.[0] ?? row.notificationType) === row.notificationType &&
    (q.ok ?? row.ok) === row.ok &&
    (q.test ?? row.test) === row.test &&
    (q.vkUserId ?? row.vkUserId) === row.vkUserId &&
    (q.orderId ?? row.orderId) === row.orderId &&
    !(at < Date.parse(q.from!)) && // NaN (no bound) compares false
    !(at >= Date.parse(q.to!))
  );
}
