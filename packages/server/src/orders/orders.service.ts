/**
 * Transactions: the queries behind `transactions`, its summary and its CSV export. The endpoint
 * records orders (once each) and refunds through notifications/sql-store.ts.
 */
import { raw, type EntityManager, type FilterQuery, type ObjectQuery } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { InputErrorParams } from '@vk-payments/shared';
import { ApiError } from '../graphql/errors.js';
import { Transaction, type TransactionStatus } from './transaction.entity.js';

export interface TransactionFilter {
  status?: TransactionStatus | null;
  test?: boolean | null;
  vkUserId?: number | null;
  itemId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export function transactionWhere(appId: number, f: TransactionFilter = {}): ObjectQuery<Transaction> {
  const where: ObjectQuery<Transaction> & Record<string, unknown> = { app: appId };
  if (f.status != null) where.status = f.status;
  if (f.test != null) where.test = f.test;
  if (f.vkUserId != null) where.vkUserId = f.vkUserId;
  if (f.itemId != null) where.itemId = f.itemId;
  if (f.from != null || f.to != null) {
    where.createdAt = { ...(f.from != null && { $gte: f.from }), ...(f.to != null && { $lt: f.to }) };
  }
  return where;
}

export interface MoneyTotal {
  count: number;
  votes: number;
}

/** VK's Transactions tabs over a filtered set: Credits (every payment) and Deductions (refunds). */
export interface TransactionSummary extends MoneyTotal {
  credits: MoneyTotal;
  refunds: MoneyTotal;
  /** credits.votes − refunds.votes */
  net: number;
}

const INT_MAX = 2_147_483_647;

/** GraphQL Int is 32-bit: a sum beyond it is refused, never wrapped or rounded. */
function asInt(value: unknown, what: string): number {
  const n = Number(value ?? 0);
  if (!Number.isSafeInteger(n) || Math.abs(n) > INT_MAX) {
    throw new ApiError('BAD_USER_INPUT', `${what} exceeds ${INT_MAX}, the largest GraphQL Int; narrow the filter (from, to)`, {
      field: 'filter',
      params: { reason: 'resultTooLarge', max: INT_MAX } satisfies InputErrorParams,
    });
  }
  return n;
}

/** One aggregate query over the whole filtered set (every page), the same SQL on SQLite and PostgreSQL. */
export async function summarizeTransactions(em: EntityManager, where: ObjectQuery<Transaction>): Promise<TransactionSummary> {
  const refunded = 'refunded' satisfies TransactionStatus;
  const row = await (em as SqlEntityManager) // both drivers of db/orm.ts are SQL drivers
    .createQueryBuilder(Transaction, 't')
    .select([
      raw('count(*) as credit_count'),
      raw('coalesce(sum(t.price), 0) as credit_votes'),
      raw('coalesce(sum(case when t.status = ? then 1 else 0 end), 0) as refund_count', [refunded]),
      raw('coalesce(sum(case when t.status = ? then t.price else 0 end), 0) as refund_votes', [refunded]),
    ])
    .where(where)
    .execute<Record<string, unknown> | undefined>('get', false);
  const credits = { count: asInt(row?.credit_count, 'the count'), votes: asInt(row?.credit_votes, 'the credited votes') };
  const refunds = { count: asInt(row?.refund_count, 'the refund count'), votes: asInt(row?.refund_votes, 'the refunded votes') };
  return { ...credits, credits, refunds, net: credits.votes - refunds.votes };
}

/** Pages through the filtered set newest first by id, `size` rows at a time, without keeping them in the identity map. */
export async function* transactionBatches(em: EntityManager, where: FilterQuery<Transaction>, size = 1000): AsyncGenerator<Transaction[]> {
  let before: number | null = null;
  for (;;) {
    const page = before === null ? where : { $and: [where, { id: { $lt: before } }] };
    const rows: Transaction[] = await em.find(Transaction, page, { orderBy: { id: 'desc' }, limit: size, disableIdentityMap: true });
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < size) return;
    before = rows.at(-1)!.id;
  }
}
