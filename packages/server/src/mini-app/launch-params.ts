/**
 * VK's signature over the launch parameters it opens a mini app with (docs/protocol.md §9): the `vk_*`
 * pairs sorted by key, joined as a query string with each value through `encodeURIComponent`,
 * HMAC-SHA256 under the app's protected key, base64url without padding, in `sign`. Parameters that do
 * not start with `vk_` are not signed and are ignored. A pure check: the caller finds the app's keys.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The app's keys: the previous one verifies only until the end of a rotation's overlap. */
export interface LaunchKeys {
  current: string;
  previous?: string | null;
  previousValidUntil?: Date | null;
}

export type LaunchRefusal =
  /** No `sign`, or no `vk_app_id` / `vk_user_id`: not a launch string. */
  | 'incomplete'
  /** A `vk_` parameter given twice: which one VK signed is not knowable. */
  | 'ambiguous'
  /** The signature is not the app's (current key, or previous one during its overlap). */
  | 'badSignature'
  /** `vk_ts` is older than the allowed age, or from the future, or not a time. */
  | 'expired';

export type LaunchCheck =
  | { ok: true; vkAppId: number; vkUserId: number; params: Readonly<Record<string, string>>; signedWith: 'current' | 'previous' }
  | { ok: false; reason: LaunchRefusal };

/** How far `vk_ts` may run ahead of our clock (clocks differ a little). */
const FUTURE_SKEW_SECONDS = 300;

/** The `vk_*` parameters of a launch string (`window.location.search` without `?`), or null if one repeats. */
export function launchParams(search: string): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(search.startsWith('?') ? search.slice(1) : search)) {
    if (!key.startsWith('vk_')) continue;
    if (Object.hasOwn(params, key)) return null;
    params[key] = value;
  }
  return params;
}

/** The string VK signs: the `vk_*` pairs sorted by key, each value through `encodeURIComponent`. */
export function signedString(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .sort()
    .map((key) => `${key}=${encodeURIComponent(params[key]!)}`)
    .join('&');
}

export const launchSign = (params: Readonly<Record<string, string>>, key: string): string =>
  createHmac('sha256', key).update(signedString(params)).digest('base64url');

/** Constant time in the signature's bytes: a wrong `sign` says nothing about the right one. */
function sameSign(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Whole positive numbers that a double holds exactly (VK's ids and times are far below 10^15).
const positiveInt = (s: string | undefined): number | null => (s !== undefined && /^[1-9][0-9]{0,14}$/.test(s) ? Number(s) : null);

/**
 * Verifies a launch string with the app's keys. `maxAgeSeconds` (VKP_LAUNCH_PARAMS_MAX_AGE) bounds how
 * old `vk_ts` may be; null accepts any age.
 */
export function checkLaunch(search: string, keys: LaunchKeys, now: Date, maxAgeSeconds: number | null = null): LaunchCheck {
  const sign = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search).getAll('sign');
  const params = launchParams(search);
  if (!params) return { ok: false, reason: 'ambiguous' };
  if (sign.length > 1) return { ok: false, reason: 'ambiguous' };
  const vkAppId = positiveInt(params.vk_app_id);
  const vkUserId = positiveInt(params.vk_user_id);
  if (sign.length === 0 || vkAppId === null || vkUserId === null) return { ok: false, reason: 'incomplete' };
  const given = sign[0]!;
  let signedWith: 'current' | 'previous' | null = sameSign(given, launchSign(params, keys.current)) ? 'current' : null;
  const overlap = keys.previous && keys.previousValidUntil && now.getTime() < keys.previousValidUntil.getTime();
  if (!signedWith && overlap && sameSign(given, launchSign(params, keys.previous!))) signedWith = 'previous';
  if (!signedWith) return { ok: false, reason: 'badSignature' };
  if (maxAgeSeconds !== null) {
    const ts = positiveInt(params.vk_ts);
    const age = ts === null ? Infinity : now.getTime() / 1000 - ts;
    if (age > maxAgeSeconds || age < -FUTURE_SKEW_SECONDS) return { ok: false, reason: 'expired' };
  }
  return { ok: true, vkAppId, vkUserId, params, signedWith };
}
