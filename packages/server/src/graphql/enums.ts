/**
 * GraphQL enums are upper case (ARCHITECTURE.md §4); their values are what we store (VK's lower-case words).
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
registerEnumType(NotificationTypeEnum, {
  name: 'NotificationType',
  description: 'The kind of notification; `test` says whether it was the _test twin.',
});

/** Roles of ARCHITECTURE.md §5; stored as these same words. */
export const RoleEnum = {
  CREATOR: 'CREATOR',
  ADMIN: 'ADMIN',
  PAYMENTS_ADMIN: 'PAYMENTS_ADMIN',
  VIEWER: 'VIEWER',
  MODERATOR: 'MODERATOR',
} as const;
registerEnumType(RoleEnum, { name: 'Role' });

export const PlatformEnum = { IOS: 'IOS', ANDROID: 'ANDROID', WEB: 'WEB', MOBILE_WEB: 'MOBILE_WEB' } as const;
registerEnumType(PlatformEnum, { name: 'Platform' });

export const ModerationStatusEnum = { PENDING: 'PENDING', APPROVED: 'APPROVED', REJECTED: 'REJECTED', WITHDRAWN: 'WITHDRAWN' } as const;
registerEnumType(ModerationStatusEnum, { name: 'ModerationStatus' });

export const ModerationDecisionEnum = { APPROVE: 'APPROVE', REJECT: 'REJECT' } as const;
registerEnumType(ModerationDecisionEnum, { name: 'ModerationDecision' });

/**
 * Two enums keep the lower-case words scripts saw when these fields were strings: an enum value is
 * what goes on the wire, so upper-casing them would break every client that compares them.
 */
export const MeKindEnum = { root: 'root', key: 'key', session: 'session' } as const;
registerEnumType(MeKindEnum, {
  name: 'MeKind',
  valuesConfig: {
    root: { description: 'The root token.' },
    key: { description: 'An API key.' },
    session: { description: 'A widget session minted from a key.' },
  },
});

export const SignedWithEnum = { current: 'current', previous: 'previous' } as const;
registerEnumType(SignedWithEnum, {
  name: 'SignedWith',
  description: "Which of the app's secret keys verified a signature.",
  valuesConfig: {
    current: { description: 'The current key.' },
    previous: { description: "The previous key, during a rotation's overlap." },
  },
});
