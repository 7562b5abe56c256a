/**
 * Subscriptions as VK reports them, and their per-period charges (PROTOCOL.md §3).
 */
import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { SubscriptionStatus } from '@vk-payments/shared';
import { firstCommitWins } from '../db/conflicts.js';
import type { ChargeDraft, Recorded, SubscriptionState } from '../notifications/store.js';
import { Transaction } from '../orders/transaction.entity.js';
import { Subscription } from './subscription.entity.js';

export async function findCharge(em: EntityManager, appId: number, test: boolean, subscriptionId: string, billingKey: string): Promise<Recorded | null> {
  const found = await em.findOne(Transaction, { app: appId, test, subscriptionId, billingKey }, { fields: ['id'] });
  return found ? { appOrderId: found.id } : null;
}

/** Insert-or-update of the subscription's state, keyed like VK keys it: (app, test, subscription_id). */
async function upsertState(em: EntityManager, s: SubscriptionState): Promise<void> {
  const now = new Date();
  await em.upsert(
    Subscription,
    {
      app: s.appId,
      test: s.test,
      subscriptionId: s.subscriptionId,
      vkUserId: s.vkUserId,
      itemId: s.itemId,
      status: s.status,
      nextBillTime: s.nextBillTime,
      cancelReason: s.cancelReason,
      pendingCancel: s.pendingCancel,
      updatedAt: now,
      createdAt: now,
      ...(s.price !== null ? { price: s.price } : { price: 0 }),
    },
    {
      onConflictFields: ['app', 'test', 'subscriptionId'],
      // Keep the creation time, and the last known price and period end when this notification carries none
      // (a cancellation with pending_cancel=1 stays paid up to that end; PROTOCOL.md §3).
      onConflictExcludeFields: [
        'createdAt',
        ...(s.price === null ? (['price'] as const) : []),
        ...(s.nextBillTime === null ? (['nextBillTime'] as const) : []),
      ],
    },
  );
}

export async function updateSubscription(em: EntityManager, s: SubscriptionState): Promise<void> {
  await upsertState(em, s);
}

/** The state and the charge commit together; a repeat loses on the charge's unique key and gets the first. */
export async function recordCharge(em: EntityManager, d: ChargeDraft): Promise<Recorded> {
  return firstCommitWins(
    () =>
      em.transactional(async (tx) => {
        await upsertState(tx, d);
        const id = await tx.insert(Transaction, {
          app: d.appId,
          test: d.test,
          subscriptionId: d.subscriptionId,
          billingKey: d.billingKey,
          vkUserId: d.vkUserId,
          itemId: d.itemId,
          title: d.title,
          price: d.price,
          status: 'chargeable',
          createdAt: new Date(),
        });
        return { appOrderId: Number(id) };
      }),
    () => findCharge(em.fork(), d.appId, d.test, d.subscriptionId, d.billingKey),
  );
}

export interface SubscriptionFilter {
  status?: SubscriptionStatus | null;
  test?: boolean | null;
  vkUserId?: number | null;
  itemId?: string | null;
}

export function subscriptionWhere(appId: number, f: SubscriptionFilter = {}): FilterQuery<Subscription> {
  const where: FilterQuery<Subscription> & Record<string, unknown> = { app: appId };
  if (f.status != null) where.status = f.status;
  if (f.test != null) where.test = f.test;
  if (f.vkUserId != null) where.vkUserId = f.vkUserId;
  if (f.itemId != null) where.itemId = f.itemId;
  return where;
}
