/**
 * What the transactions view asks the server: a page of `transactions` for the open tab and, with the
 * first page, the totals of the same filter without the tab's status — so credits, deductions and net
 * stay put while switching tabs (VK's panel shows them the same way, PROTOCOL.md §8).
 */
import type { Connection } from '../../components/cursor-list.js';
import { dayEnd, dayStart, parseUserId } from '../../components/filters.js';

export type Tab = 'credits' | 'refunds';

export interface TxRow {
  id: string;
  orderId: string | null;
  subscriptionId: string | null;
  vkUserId: number;
  itemId: string;
  title: string;
  price: number;
  status: 'CHARGEABLE' | 'REFUNDED';
  test: boolean;
  createdAt: string;
  refundedAt: string | null;
  appOrderId: number;
}

export interface MoneyTotal {
  count: number;
  votes: number;
}

export interface Summary {
  count: number;
  votes: number;
  credits: MoneyTotal;
  refunds: MoneyTotal;
  net: number;
}

export type TxConnection = Connection<TxRow> & { summary?: Summary };

const PAGE = `totalCount pageInfo { hasNextPage endCursor }
    edges { node { id orderId subscriptionId vkUserId itemId title price status test createdAt refundedAt appOrderId } }`;

/** The first page and the totals. */
export const FIRST_QUERY = `query($vkAppId: Int!, $filter: TransactionFilter, $all: TransactionFilter, $first: Int) {
  transactions(vkAppId: $vkAppId, filter: $filter, first: $first) { ${PAGE} }
  totals: transactions(vkAppId: $vkAppId, filter: $all, first: 1) {
    summary { count votes credits { count votes } refunds { count votes } net }
  }
}`;

/** A next page. */
export const MORE_QUERY = `query($vkAppId: Int!, $filter: TransactionFilter, $first: Int, $after: String) {
  transactions(vkAppId: $vkAppId, filter: $filter, first: $first, after: $after) { ${PAGE} }
}`;

/** The filter as the form holds it. */
export interface TxFilterForm {
  user: string;
  from: string;
  to: string;
  /** Off by default: test payments are never money (PROTOCOL.md §5). */
  test: boolean;
}

export const NO_FILTER: TxFilterForm = { user: '', from: '', to: '', test: false };

export const isFiltered = (f: TxFilterForm): boolean => Boolean(f.user || f.from || f.to || f.test);

/** `TransactionFilter` for the form, without the tab's status. */
export function baseFilter(f: TxFilterForm): { test?: boolean; vkUserId?: number; from?: string; to?: string } {
  const user = parseUserId(f.user);
  return {
    ...(!f.test && { test: false }),
    ...(user && { vkUserId: user }),
    ...(f.from && { from: dayStart(f.from) }),
    ...(f.to && { to: dayEnd(f.to) }),
  };
}

export function tabFilter(tab: Tab, f: TxFilterForm): Record<string, unknown> {
  return { ...baseFilter(f), ...(tab === 'refunds' && { status: 'REFUNDED' }) };
}

/** The CSV export's query string: the same filter as on screen. */
export function exportParams(vkAppId: number, tab: Tab, f: TxFilterForm): Record<string, string | number | undefined> {
  const { test, vkUserId, from, to } = baseFilter(f);
  return { vkAppId, status: tab === 'refunds' ? 'REFUNDED' : undefined, test: test === false ? 'false' : undefined, vkUserId, from, to };
}
