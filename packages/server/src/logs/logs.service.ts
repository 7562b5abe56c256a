/**
 * The notification log: one row per request to the endpoint, and the queries behind `notificationLogs`.
 */
import type { FilterQuery } from '@mikro-orm/core';
import type { NotificationKind } from '@vk-payments/shared';
import type { LogDraft } from '../notifications/handle.js';
import { NotificationLog } from './notification-log.entity.js';

export interface LogEntry extends LogDraft {
  receivedAt: Date;
  response: string;
  durationMs: number;
}

export interface LogFilter {
  types?: NotificationKind[] | null;
  test?: boolean | null;
  errorCode?: number | null;
  ok?: boolean | null;
  warning?: boolean | null;
  vkUserId?: number | null;
  orderId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export function logWhere(appId: number, f: LogFilter = {}): FilterQuery<NotificationLog> {
  const where: FilterQuery<NotificationLog> & Record<string, unknown> = { app: appId };
  if (f.types?.length) where.notificationType = { $in: f.types };
  if (f.test != null) where.test = f.test;
  if (f.errorCode != null) where.errorCode = f.errorCode;
  else if (f.ok != null) where.errorCode = f.ok ? null : { $ne: null };
  if (f.warning != null) where.warning = f.warning ? { $ne: null } : null;
  if (f.vkUserId != null) where.vkUserId = f.vkUserId;
  if (f.orderId != null) where.orderId = f.orderId;
  if (f.from != null || f.to != null) {
    where.receivedAt = { ...(f.from != null && { $gte: f.from }), ...(f.to != null && { $lt: f.to }) };
  }
  return where;
}
