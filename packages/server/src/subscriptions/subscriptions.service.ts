/**
 * Subscriptions as VK reports them (docs/protocol.md §3): the filter behind `subscriptions`. The endpoint
 * writes them through notifications/sql-store.ts.
 */
import type { FilterQuery } from '@mikro-orm/core';
import type { SubscriptionStatus } from '@vk-payments/shared';
import { Subscription } from './subscription.entity.js';

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
