/**
 * What the transactions view asks the server: a page of `transactions` for the open tab and, with the
 * first page, the totals of the same filter without the tab's status — so credits, deductions and net
 * stay put while switching tabs (VK's panel shows them the same way, docs/protocol.md §8).
 */
import type { Connection } from '../../components/cursor-list.js';
import { dayEnd, dayStart, parseUserId } from '../../components/filters.js';
import type { Filter } from '../../components/list-filters.js';

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
  credits: MoneyTotal;
  refunds: MoneyTotal;
  net: number;
}

export type TxConnection = Connection<TxRow> & { summary?: Summary };

const PAGE = `transactions(vkAppId:$vkAppId,filter:$filter,first:$first,after:$after){totalCount pageInfo{hasNextPage endCursor}edges{node{id orderId subscriptionId vkUserId itemId title price status test createdAt refundedAt appOrderId}}}`;
const VARS = '$vkAppId:Int!,$filter:TransactionFilter,$first:Int,$after:String';

/** The first page and the totals. */
export const FIRST_QUERY = `query(${VARS},$all:TransactionFilter){${PAGE}totals:transactions(vkAppId:$vkAppId,filter:$all,first:1){summary{credits{count votes}refunds{count votes}net}}}`;

/** A next page. */
export const MORE_QUERY = `query(${VARS}){${PAGE}}`;

/**
 * `TransactionFilter` for the form (`user`, `from`, `to`, and `test` when test payments are shown:
 * off by default, they are never money, docs/protocol.md §5), and the tab's status when `tab` is given.
 * What is not set stays undefined (left out).
 */
export const txFilter = (f: Filter, tab?: string) => ({
  test: f.test ? undefined : false,
  vkUserId: parseUserId(f.user),
  from: dayStart(f.from),
  to: dayEnd(f.to),
  status: tab === 'refunds' ? 'REFUNDED' : undefined,
});
