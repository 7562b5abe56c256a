/**
 * Judges an answer to a notification against docs/protocol.md: shape, types and limits. Used by the CLI
 * simulator (and later by checkNotificationUrl) to tell an integrator exactly what VK would reject.
 */
import { ITEM_LIMITS, parseNotificationType, SUBSCRIPTION_PERIODS } from '@vk-payments/shared';

export type Verdict =
  | { kind: 'success'; problems: [] }
  | { kind: 'error'; code: number; critical: boolean; message: string; problems: [] }
  | { kind: 'invalid'; problems: string[] };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isAbsoluteUrl = (v: unknown): boolean => typeof v === 'string' && /^https?:\/\/[^\s/]+/.test(v);

/** The first raw number after `"name":` in the JSON text: ids may exceed 2^53, so they are compared as text. */
function rawNumber(text: string, name: string): string | undefined {
  return new RegExp(`"${name}"\\s*:\\s*(-?\\d+)`).exec(text)?.[1];
}

function checkItem(r: Record<string, unknown>, problems: string[]): void {
  if (typeof r.title !== 'string' || !r.title) problems.push('response.title is required (a string)');
  else if (r.title.length > ITEM_LIMITS.titleMaxLength)
    problems.push(`response.title is longer than ${ITEM_LIMITS.titleMaxLength} characters`);
  if (!isInt(r.price) || r.price < 1) problems.push('response.price must be a positive integer (votes)');
  if (r.item_id !== undefined && typeof r.item_id !== 'string' && !isInt(r.item_id))
    problems.push('response.item_id must be a string or an integer');
  if (r.photo_url !== undefined && !isAbsoluteUrl(r.photo_url)) problems.push('response.photo_url must be an absolute URL');
  if (r.discount !== undefined && (!isInt(r.discount) || r.discount < 0 || (isInt(r.price) && r.discount >= r.price))) {
    problems.push('response.discount must be a non-negative integer less than the price');
  }
  if (r.expiration !== undefined) {
    const e = r.expiration;
    if (!isInt(e) || (e !== 0 && (e < ITEM_LIMITS.expirationMin || e > ITEM_LIMITS.expirationMax))) {
      problems.push(`response.expiration must be 0 or ${ITEM_LIMITS.expirationMin}–${ITEM_LIMITS.expirationMax}`);
    }
  }
}

/** `request` are the fields that were sent; `text` is the answer body exactly as received. */
export function judgeAnswer(request: Readonly<Record<string, string>>, text: string): Verdict {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'invalid', problems: ['the answer is not JSON'] };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { kind: 'invalid', problems: ['the answer is not a JSON object'] };
  const { response, error } = body as { response?: unknown; error?: unknown };
  if ((response === undefined) === (error === undefined))
    return { kind: 'invalid', problems: ['the answer must have exactly one of "response" and "error"'] };

  if (error !== undefined) {
    const e = error as { error_code?: unknown; error_msg?: unknown; critical?: unknown };
    const problems: string[] = [];
    if (!isInt(e.error_code)) problems.push('error.error_code must be an integer');
    if (typeof e.error_msg !== 'string') problems.push('error.error_msg must be a string');
    if (typeof e.critical !== 'boolean') problems.push('error.critical must be true or false');
    if (problems.length) return { kind: 'invalid', problems };
    return { kind: 'error', code: e.error_code as number, critical: e.critical as boolean, message: e.error_msg as string, problems: [] };
  }

  if (response === null || typeof response !== 'object') return { kind: 'invalid', problems: ['"response" must be an object'] };
  const r = response as Record<string, unknown>;
  const problems: string[] = [];
  const kind = parseNotificationType(request.notification_type ?? '')?.kind;
  switch (kind) {
    case 'get_item':
      checkItem(r, problems);
      break;
    case 'get_subscription':
      checkItem(r, problems);
      if (!(SUBSCRIPTION_PERIODS as readonly unknown[]).includes(r.period))
        problems.push(`response.period must be one of ${SUBSCRIPTION_PERIODS.join(', ')}`);
      break;
    case 'order_status_change':
      if (rawNumber(text, 'order_id') !== request.order_id)
        problems.push(`response.order_id must be the order_id sent (${request.order_id ?? '?'})`);
      if (!isInt(r.app_order_id) || r.app_order_id < 1) problems.push('response.app_order_id must be a positive integer');
      break;
    case 'subscription_status_change':
      if (rawNumber(text, 'subscription_id') !== request.subscription_id)
        problems.push(`response.subscription_id must be the subscription_id sent (${request.subscription_id ?? '?'})`);
      if (request.status === 'chargeable' && (!isInt(r.app_order_id) || r.app_order_id < 1))
        problems.push('response.app_order_id must be a positive integer for a charge');
      break;
    case undefined:
      break;
  }
  return problems.length ? { kind: 'invalid', problems } : { kind: 'success', problems: [] };
}
