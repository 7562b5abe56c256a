/**
 * What this server may sign when someone asks (simulateNotification, checkNotificationUrl): only `_test`
 * notifications made of fields VK itself sends, each value in the alphabet VK uses for it, and never a
 * `=`. Every signing on request goes through `signOnRequest`; the CLI, which is given the key, signs with
 * `signParams` directly.
 *
 * Why: VK's signed string joins `name=value` pairs without separators (README "The notification
 * endpoint"), so the field boundaries are not signed. If a value we sign could hold `=`, a caller could
 * fold other fields into it — an `item` of `gemnotification_type=order_status_changestatus=chargeable…zz=`
 * — and our signature of that `_test` body would also be the signature of a *real* payment whose fields
 * are those inside the value.
 *
 * With no `=` in any value we sign, every `=` of the signed string is one of our own name/value
 * separators, preceded by one of our names. Another body with the same signed string must take its
 * `notification_type=` from one of those `=`, and of the names below only `notification_type` itself
 * can end that text (no other is a suffix of it). So its type starts with ours, `…_test`. It could only
 * stop before `_test` if its next name began with `_test`, and `_` sorts before `n`: no name sorted after
 * `notification_type` begins with it. Such a body is a `_test` notification too (or one VK does not
 * define), so a signature made here never verifies a real payment. The unit tests fold bodies to check it.
 */
import {
  API_VERSIONS,
  CANCEL_REASONS,
  ITEM_LIMITS,
  NOTIFICATION_KINDS,
  ORDER_STATUSES,
  SUBSCRIPTION_STATUSES,
  VK_LANGS,
} from '@vk-payments/shared';
import { signParams, type SignableParams } from './signature.js';

/**
 * The alphabet of an item id (`item`, `item_id`) signed here and of a catalog id created from now on.
 * VK passes the id the mini app gave VKWebAppShowOrderBox, so the app chooses it; these characters are
 * enough for any id and cannot shift a field boundary.
 */
export const ITEM_ID_PATTERN = new RegExp(`^[A-Za-z0-9_.:-]{1,${ITEM_LIMITS.itemMaxLength}}$`);
export const ITEM_ID_RULE = `must be 1–${ITEM_LIMITS.itemMaxLength} characters of A–Z, a–z, 0–9 and _ . : - (VK's signature cannot tell "=" and the like from a field boundary)`;

export const isSignableItemId = (id: string): boolean => ITEM_ID_PATTERN.test(id);

const oneOf = (values: readonly string[]): RegExp => new RegExp(`^(?:${values.map((v) => v.replace(/[.]/g, '\\.')).join('|')})$`);

/** Decimal ids, votes and unix times, as VK sends them. */
const DIGITS = /^[0-9]{1,20}$/;

/** Each field VK sends (docs/protocol.md §3) and the values signed here for it. A name not listed is refused. */
const FIELD_ALPHABET: Readonly<Record<string, RegExp>> = {
  app_id: DIGITS,
  cancel_reason: oneOf(CANCEL_REASONS),
  date: DIGITS,
  item: ITEM_ID_PATTERN,
  item_discount: DIGITS,
  item_id: ITEM_ID_PATTERN,
  // Only the http(s) URL characters, `=` left out: a photo URL with a query is not signed here.
  item_photo_url: /^https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;%]{1,2040}$/,
  item_price: DIGITS,
  // The title is free text in any language, as VK shows it; only `=` and invisible characters are left out.
  item_title: new RegExp(`^[^=\\p{C}\\p{Zl}\\p{Zp}]{1,${ITEM_LIMITS.titleMaxLength}}$`, 'u'),
  lang: oneOf(VK_LANGS),
  next_bill_time: DIGITS,
  // Never a real type: only the `_test` twins are signed here (see the header).
  notification_type: oneOf(NOTIFICATION_KINDS.map((kind) => `${kind}_test`)),
  order_id: DIGITS,
  pending_cancel: /^[01]$/,
  receiver_id: DIGITS,
  status: oneOf([...new Set([...ORDER_STATUSES, ...SUBSCRIPTION_STATUSES])]),
  subscription_id: DIGITS,
  user_id: DIGITS,
  version: oneOf(API_VERSIONS),
};

/** Why a body may not be signed here: the field and, in an operator's words, what is wrong with it. */
export interface Refusal {
  field: string;
  reason: string;
}

/** The value, cut to 40 characters, and why it is refused: `"gem=1…" is not signed here: contains "="…`. */
function refusedValue(name: string, value: string): string {
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  let why = 'has characters VK does not send in it';
  if (value.includes('=')) why = 'contains "=", which VK\'s signature cannot tell from a field boundary';
  else if (name === 'notification_type') why = 'only the _test types are signed here';
  else if (name === 'item' || name === 'item_id') why = ITEM_ID_RULE;
  return `${shown} is not signed here: ${why}`;
}

/** The first field of `fields` this server must not sign, or null when every one fits (`sig` is ignored). */
export function unsignable(fields: SignableParams): Refusal | null {
  if (fields.notification_type === undefined)
    return { field: 'notification_type', reason: 'is missing: only _test notifications are signed here' };
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'sig') continue;
    const alphabet = Object.hasOwn(FIELD_ALPHABET, name) ? FIELD_ALPHABET[name] : undefined;
    if (!alphabet) return { field: name, reason: 'is not a field VK sends, so it is not signed here' };
    if (typeof value !== 'string' || !alphabet.test(value)) return { field: name, reason: refusedValue(name, String(value)) };
  }
  return null;
}

/** A body refused by `signOnRequest`; services turn it into BAD_USER_INPUT on their own input field. */
export class UnsignableError extends Error {
  override name = 'UnsignableError';
  readonly field: string;
  readonly reason: string;

  constructor(refusal: Refusal) {
    super(`${refusal.field}: ${refusal.reason}`);
    this.field = refusal.field;
    this.reason = refusal.reason;
  }
}

/** Signs `fields` with the app's key for someone who does not hold it; throws UnsignableError instead of signing anything outside the alphabet. */
export function signOnRequest<T extends SignableParams>(fields: T, secret: string): T & { sig: string } {
  const refusal = unsignable(fields);
  if (refusal) throw new UnsignableError(refusal);
  return signParams(fields, secret);
}
