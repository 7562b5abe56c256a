/**
 * The real NotificationStore: each call runs on its own forked EntityManager (no shared identity map
 * between requests; STACK.md gotcha 5) and commits before it returns.
 */
import { findAppRecord } from '../apps/apps.service.js';
import { findItem, findPlan } from '../catalog/catalog.service.js';
import type { Orm } from '../db/orm.js';
import { writeLog, type LogEntry } from '../logs/logs.service.js';
import { findOrder, recordOrder, refundOrder } from '../orders/orders.service.js';
import { isPaymentTester } from '../settings/testers.service.js';
import { findCharge, recordCharge, updateSubscription } from '../subscriptions/subscriptions.service.js';
import type { NotificationStore } from './store.js';

export interface OrmNotificationStore extends NotificationStore {
  writeLog(entry: LogEntry): Promise<number>;
}

export function createOrmStore(orm: Orm): OrmNotificationStore {
  const em = () => orm.em.fork();
  return {
    findApp: (vkAppId) => findAppRecord(em(), vkAppId),
    isPaymentTester: (appId, vkUserId) => isPaymentTester(em(), appId, vkUserId),
    findCatalogItem: (appId, itemId) => findItem(em(), appId, itemId),
    findSubscriptionPlan: (appId, itemId) => findPlan(em(), appId, itemId),
    findOrder: (appId, test, orderId) => findOrder(em(), appId, test, orderId),
    recordOrder: (draft) => recordOrder(em(), draft),
    refundOrder: (appId, test, orderId, at) => refundOrder(em(), appId, test, orderId, at),
    findSubscriptionCharge: (appId, test, subscriptionId, billingKey) => findCharge(em(), appId, test, subscriptionId, billingKey),
    recordSubscriptionCharge: (draft) => recordCharge(em(), draft),
    updateSubscription: (state) => updateSubscription(em(), state),
    writeLog: (entry) => writeLog(em(), entry),
  };
}
