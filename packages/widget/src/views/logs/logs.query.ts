/**
 * What the log view asks the server (`notificationLogs`, and `notificationLogged` for the live tail),
 * the filter as the form holds it, and the same filter applied to rows that arrive live — the server
 * publishes every row of the app, so the view decides which belong on screen.
 */
import type { Connection } from '../../components/cursor-list.js';
import { dayEnd, dayStart, parseUserId } from '../../components/filters.js';

export const KINDS = ['GET_ITEM', 'ORDER_STATUS_CHANGE', 'GET_SUBSCRIPTION', 'SUBSCRIPTION_STATUS_CHANGE'] as const;
export type Kind = (typeof KINDS)[number];

export interface LogRow {
  id: string;
  receivedAt: string;
  rawType: string | null;
  notificationType: Kind | null;
  test: boolean;
  vkUserId: number | null;
  orderId: string | null;
  subscriptionId: string | null;
  request: unknown;
  response: unknown;
  ok: boolean;
  errorCode: number | null;
  signatureValid: boolean | null;
  signedWith: string | null;
  warning: string | null;
  durationMs: number;
}

const FIELDS = `id receivedAt rawType notificationType test vkUserId orderId subscriptionId request response ok errorCode signatureValid signedWith warning durationMs`;

export const LOGS_QUERY = `query($vkAppId: Int!, $filter: NotificationLogFilter, $first: Int, $after: String) {
  notificationLogs(vkAppId: $vkAppId, filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${FIELDS} } }
  }
}`;

export const LIVE_SUBSCRIPTION = `subscription($vkAppId: Int!) { notificationLogged(vkAppId: $vkAppId) { ${FIELDS} } }`;

export type LogConnection = Connection<LogRow>;

/** The filter as the form holds it: strings, as inputs give them. */
export interface LogFilterForm {
  type: '' | Kind;
  result: '' | 'ok' | 'errors';
  test: '' | 'test' | 'real';
  user: string;
  order: string;
  from: string;
  to: string;
}

export const NO_FILTER: LogFilterForm = { type: '', result: '', test: '', user: '', order: '', from: '', to: '' };

export const isFiltered = (f: LogFilterForm): boolean => Object.values(f).some(Boolean);

/** The `NotificationLogFilter` input for a (validated) form. */
export function toFilter(f: LogFilterForm): Record<string, unknown> {
  return {
    ...(f.type && { types: [f.type] }),
    ...(f.result && { ok: f.result === 'ok' }),
    ...(f.test && { test: f.test === 'test' }),
    ...(parseUserId(f.user) && { vkUserId: parseUserId(f.user) }),
    ...(f.order.trim() && { orderId: f.order.trim() }),
    ...(f.from && { from: dayStart(f.from) }),
    ...(f.to && { to: dayEnd(f.to) }),
  };
}

/** Whether a row that arrived live passes the filter on screen (the server's `logWhere`, client-side). */
export function matches(row: LogRow, f: LogFilterForm): boolean {
  const at = Date.parse(row.receivedAt);
  const from = f.from ? dayStart(f.from) : undefined;
  const to = f.to ? dayEnd(f.to) : undefined;
  return (
    (!f.type || row.notificationType === f.type) &&
    (!f.result || row.ok === (f.result === 'ok')) &&
    (!f.test || row.test === (f.test === 'test')) &&
    (!f.user.trim() || row.vkUserId === parseUserId(f.user)) &&
    (!f.order.trim() || row.orderId === f.order.trim()) &&
    (!from || at >= Date.parse(from)) &&
    (!to || at < Date.parse(to))
  );
}

/** VK's `error_msg` of an error answer, for the result's tooltip. */
export function errorMessage(response: unknown): string | undefined {
  const error = (response as { error?: { error_msg?: unknown } } | null)?.error;
  return typeof error?.error_msg === 'string' ? error.error_msg : undefined;
}

/** The type as VK names it (`get_item`); a request we could not read keeps what it sent. */
export const typeName = (row: LogRow): string => row.notificationType?.toLowerCase() ?? row.rawType ?? '—';
