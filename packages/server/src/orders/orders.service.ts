/**
 * Transactions: recording orders exactly once, refunds, and the queries behind `transactions`.
 */
import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { firstCommitWins } from '../db/conflicts.js';
import type { OrderDraft, Recorded } from '../notifications/store.js';
import { Transaction, type TransactionStatus } from './transaction.entity.js';

export async function findOrder(em: EntityManager, appId: number, test: boolean, orderId: string): Promise<Recorded | null> {
  const found = await em.findOne(Transaction, { app: appId, test, orderId }, { fields: ['id'] });
  return found ? { appOrderId: found.id } : null;
}

/** Inserts the order in its own commit; a concurrent duplicate loses on the unique key and gets the winner's id. */
export async function recordOrder(em: EntityManager, d: OrderDraft): Promise<Recorded> {
  return firstCommitWins(
    async () => {
      const id = await em.insert(Transaction, {
        app: d.appId,
        test: d.test,
        orderId: d.orderId,
        vkUserId: d.vkUserId,
        receiverId: d.receiverId,
        itemId: d.itemId,
        title: d.title,
        price: d.price,
        discount: d.discount,
        status: 'chargeable',
        vkDate: d.vkDate,
        createdAt: new Date(),
      });
      return { appOrderId: Number(id) };
    },
    () => findOrder(em.fork(), d.appId, d.test, d.orderId),
  );
}

/** Marks the order refunded once; a repeat keeps the first refund time. Null when there is no such order. */
export async function refundOrder(em: EntityManager, appId: number, test: boolean, orderId: string, at: Date): Promise<Recorded | null> {
  const found = await findOrder(em, appId, test, orderId);
  if (!found) return null;
  await em.nativeUpdate(Transaction, { id: found.appOrderId, status: 'chargeable' }, { status: 'refunded', refundedAt: at });
  return found;
}

export interface TransactionFilter {
  status?: TransactionStatus | null;
  test?: boolean | null;
  vkUserId?: number | null;
  itemId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export function transactionWhere(appId: number, f: TransactionFilter = {}): FilterQuery<Transaction> {
  const where: FilterQuery<Transaction> & Record<string, unknown> = { app: appId };
  if (f.status != null) where.status = f.status;
  if (f.test != null) where.test = f.test;
  if (f.vkUserId != null) where.vkUserId = f.vkUserId;
  if (f.itemId != null) where.itemId = f.itemId;
  if (f.from != null || f.to != null) {
    where.createdAt = { ...(f.from != null && { $gte: f.from }), ...(f.to != null && { $lt: f.to }) };
  }
  return where;
}
