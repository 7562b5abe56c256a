/**
 * GraphQL enums are upper case (DESIGN.md §6); their values are what we store (VK's lower-case words).
 */
import { registerEnumType } from 'type-graphql';

export const TransactionStatusEnum = { CHARGEABLE: 'chargeable', REFUNDED: 'refunded' } as const;
registerEnumType(TransactionStatusEnum, { name: 'TransactionStatus' });

export const SubscriptionStatusEnum = { CHARGEABLE: 'chargeable', ACTIVE: 'active', CANCELLED: 'cancelled' } as const;
registerEnumType(SubscriptionStatusEnum, { name: 'SubscriptionStatus' });

export const NotificationTypeEnum = {
  GET_ITEM: 'get_item',
  ORDER_STATUS_CHANGE: 'order_status_change',
  GET_SUBSCRIPTION: 'get_subscription',
  SUBSCRIPTION_STATUS_CHANGE: 'subscription_status_change',
} as const;
registerEnumType(NotificationTypeEnum, { name: 'NotificationType', description: 'The kind of notification; `test` says whether it was the _test twin.' });
