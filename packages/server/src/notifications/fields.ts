/**
 * The fields each notification kind must carry, and their types (docs/protocol.md §3). Numbers arrive as
 * decimal strings; ids that may exceed 2^53 (`order_id`, `subscription_id`) stay strings.
 * Fields we do not know are ignored, not refused: VK signs and may add future fields (docs/protocol.md §2).
 */
import { ITEM_LIMITS, ORDER_STATUSES, SUBSCRIPTION_STATUSES, type NotificationKind } from '@vk-payments/shared';
import { z } from 'zod';

const DIGITS = /^\d{1,20}$/;
/** Votes are stored as 32-bit integers; a larger amount is not something VK charges. */
const MAX_VOTES = 2_147_483_647;
/** 9999-12-31: any later unix time is not a date VK means (and not one every database stores). */
const MAX_UNIX_TIME = 253_402_300_799;

/** A decimal id kept as text (may exceed 2^53). */
const bigId = z.string().regex(DIGITS, 'must be a decimal integer');
/** A decimal integer that fits a JS number exactly (user and app ids). */
const int = bigId.transform(Number).refine(Number.isSafeInteger, 'is too large');
const votes = int.refine((n) => n <= MAX_VOTES, `must be at most ${MAX_VOTES} votes`);
/** Unix seconds, kept as text so a repeat is recognised by exactly what VK sent. */
const unixTime = bigId.refine((s) => Number(s) <= MAX_UNIX_TIME, 'is not a plausible unix time');
const item = z.string().min(1, 'is empty').max(ITEM_LIMITS.itemMaxLength, `is longer than ${ITEM_LIMITS.itemMaxLength} characters`);

const common = {
  app_id: int,
  user_id: int,
  /** Only sent from API version 5.132 on; older formats omit it (docs/protocol.md §6). */
  version: z.string().optional(),
};

const getItem = z.object({
  ...common,
  item,
  order_id: bigId.optional(),
  receiver_id: int.optional(),
  lang: z.string().optional(),
});

const orderStatusChange = z.object({
  ...common,
  item,
  order_id: bigId,
  receiver_id: int.optional(),
  // Refunds are a status too; anything else is refused as error 11 (docs/protocol.md §3).
  status: z.enum(ORDER_STATUSES, { error: `must be one of ${ORDER_STATUSES.join(', ')}` }),
  item_id: z.string().optional(),
  item_title: z.string().optional(),
  item_price: votes.optional(),
  item_discount: votes.optional(),
  item_photo_url: z.string().optional(),
  date: unixTime.optional(),
});

const subscriptionStatusChange = z.object({
  ...common,
  subscription_id: bigId,
  item_id: z.string().min(1, 'is empty').max(ITEM_LIMITS.itemMaxLength),
  status: z.enum(SUBSCRIPTION_STATUSES, { error: `must be one of ${SUBSCRIPTION_STATUSES.join(', ')}` }),
  item_price: votes.optional(),
  next_bill_time: unixTime.optional(),
  cancel_reason: z.string().max(32).optional(),
  pending_cancel: z.enum(['0', '1']).optional(),
});

export const FIELD_SCHEMAS = {
  get_item: getItem,
  order_status_change: orderStatusChange,
  get_subscription: getItem,
  subscription_status_change: subscriptionStatusChange,
} as const satisfies Record<NotificationKind, z.ZodType>;

export type GetItemFields = z.output<typeof getItem>;
export type OrderStatusChangeFields = z.output<typeof orderStatusChange>;
export type SubscriptionStatusChangeFields = z.output<typeof subscriptionStatusChange>;

/** Parses the fields of one kind, or describes the first problem in words an integrator can act on. */
export function readFields<K extends NotificationKind>(
  kind: K,
  params: Record<string, string>,
): { ok: true; fields: z.output<(typeof FIELD_SCHEMAS)[K]> } | { ok: false; message: string } {
  const parsed = FIELD_SCHEMAS[kind].safeParse(params);
  if (parsed.success) return { ok: true, fields: parsed.data as z.output<(typeof FIELD_SCHEMAS)[K]> };
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0]);
  const message = params[name] === undefined ? `missing field ${name}` : `field ${name} ${issue.message}`;
  return { ok: false, message };
}
