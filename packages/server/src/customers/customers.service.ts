/**
 * One VK user of one app, as the person answering "I paid but got nothing" needs them: what they paid,
 * what was refunded, and every order, subscription, notification and fulfilment delivery of theirs
 * (customers.resolver.ts). Each list is the app's own list (the same filters and pages) narrowed to the
 * user, read through an (app_id, vk_user_id) index (migration CustomerIndexes).
 */
import { raw, type EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { badInput } from '../graphql/errors.js';
import { paginate, type ConnectionShape, type PageArgs } from '../graphql/connection.js';
import { DELIVERY_STATUSES } from '../fulfilment/fulfilment.service.js';
import { FulfilmentDelivery, type DeliveryStatus } from '../fulfilment/fulfilment.entity.js';
import { summarizeTransactions, transactionWhere } from '../orders/orders.service.js';
import { Transaction } from '../orders/transaction.entity.js';
import { readDate } from '../db/sql.js';

/** VK's ids are positive; GraphQL's Int already keeps them at or below 2^31 − 1. */
export function assertVkId(value: number, field: 'vkAppId' | 'vkUserId'): void {
  if (!Number.isSafeInteger(value) || value < 1) throw badInput(field, { reason: 'tooSmall', min: 1 }, 'must be a positive VK id');
}

export interface CustomerTotals {
  /** Votes of every payment, refunded or not (VK's credits). */
  paidVotes: number;
  /** Votes of the payments that were refunded (VK's deductions). */
  refundedVotes: number;
  /** paidVotes − refundedVotes. */
  netVotes: number;
  payments: number;
  refunds: number;
  firstPaymentAt: Date | null;
  lastPaymentAt: Date | null;
}

/**
 * The user's money in the app: real payments, or (`test`) test payments alone — the two never mix
 * (test payments are not money). Exact integers; a sum beyond GraphQL's Int is refused, never wrapped.
 */
export async function customerTotals(em: EntityManager, appId: number, vkUserId: number, test: boolean): Promise<CustomerTotals> {
  const where = transactionWhere(appId, { vkUserId, test });
  const [summary, span] = await Promise.all([
    summarizeTransactions(em.fork(), where),
    (em.fork() as SqlEntityManager) // both drivers of db/orm.ts are SQL drivers
      .createQueryBuilder(Transaction, 't')
      .select([raw('min(t.created_at) as first_at'), raw('max(t.created_at) as last_at')])
      .where(where)
      .execute<Record<string, unknown> | undefined>('get', false),
  ]);
  return {
    paidVotes: summary.credits.votes,
    refundedVotes: summary.refunds.votes,
    netVotes: summary.net,
    payments: summary.credits.count,
    refunds: summary.refunds.count,
    firstPaymentAt: readDate(span?.first_at),
    lastPaymentAt: readDate(span?.last_at),
  };
}

/** The user's fulfilment deliveries, newest first; `status` as `fulfilmentDeliveries` takes it. */
export function customerDeliveries(
  em: EntityManager,
  appId: number,
  vkUserId: number,
  status: string | null,
  page: PageArgs,
): Promise<ConnectionShape<FulfilmentDelivery>> {
  if (status != null && !DELIVERY_STATUSES.includes(status as DeliveryStatus)) {
    throw badInput('status', { reason: 'notOneOf', values: DELIVERY_STATUSES }, `one of ${DELIVERY_STATUSES.join(', ')}`);
  }
  return paginate(em, FulfilmentDelivery, { app: appId, vkUserId, ...(status != null && { status: status as DeliveryStatus }) }, page);
}
