/**
 * The VK votes-payments notification protocol: names and values VK sends (docs/protocol.md §3).
 * Browser-safe: no node: imports, no runtime dependencies.
 */

/** The four notification kinds; each also arrives with a `_test` suffix (docs/protocol.md §3, §5). */
export const NOTIFICATION_KINDS = ['get_item', 'order_status_change', 'get_subscription', 'subscription_status_change'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Every `notification_type` value VK sends: the four kinds and their `_test` twins. */
export const NOTIFICATION_TYPES = NOTIFICATION_KINDS.flatMap((k) => [k, `${k}_test`] as const);
export type RawNotificationType = NotificationKind | `${NotificationKind}_test`;

const TEST_SUFFIX = '_test';

/** Splits a raw `notification_type` into its kind and test flag; `undefined` for anything VK does not send. */
export function parseNotificationType(raw: string): { kind: NotificationKind; test: boolean } | undefined {
  const test = raw.endsWith(TEST_SUFFIX);
  const base = test ? raw.slice(0, -TEST_SUFFIX.length) : raw;
  return (NOTIFICATION_KINDS as readonly string[]).includes(base) ? { kind: base as NotificationKind, test } : undefined;
}

/** `lang` values of get_item / get_subscription (docs/protocol.md §3). */
export const VK_LANGS = ['ru_RU', 'uk_UA', 'be_BY', 'en_US'] as const;

/** `status` of order_status_change: `refunded` only from API version 5.132 (docs/protocol.md §3, §6). */
export const ORDER_STATUSES = ['chargeable', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** `status` of subscription_status_change (docs/protocol.md §3). */
export const SUBSCRIPTION_STATUSES = ['chargeable', 'active', 'cancelled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const CANCEL_REASONS = ['user_decision', 'app_decision', 'payment_fail', 'unknown'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** Subscription periods VK accepts, in days (docs/protocol.md §3, get_subscription). */
export const SUBSCRIPTION_PERIODS = [3, 7, 30] as const;

/** Limits on get_item answers (docs/protocol.md §3). */
export const ITEM_LIMITS = {
  /** `item` as the client passes it to VKWebAppShowOrderBox. */
  itemMaxLength: 64,
  titleMaxLength: 48,
  /** `expiration`: 0 (no caching) or 600–604800 seconds. */
  expirationMin: 600,
  expirationMax: 604_800,
} as const;

/** API versions whose notification format we understand (docs/protocol.md §6). The newest is the default. */
export const API_VERSIONS = ['5.131', '5.132'] as const;
export const DEFAULT_API_VERSION = '5.132';
/** From this version refunds arrive and every notification carries `version` (docs/protocol.md §6). */
export const REFUNDS_FROM_API_VERSION = '5.132';
