/**
 * A mini app API request, judged before anything is read for it (docs/protocol.md §9): who sends it (the
 * launch string in `X-VK-Launch-Params`, verified with the app's keys) and what it asks (the query). Every
 * refusal is one code of MINI_APP_ERRORS, whose wire form is `{ error: { code, message } }`.
 */
import type { AppRecord } from '../notifications/store.js';
import { checkLaunch, launchParams, type LaunchRefusal } from './launch-params.js';
import { decodeCursor, DEFAULT_LIMIT, MAX_LIMIT, type EntitlementsQuery } from './entitlements.js';

/** VK's launch strings are under 1 KB; four leave room for parameters VK adds later. */
export const MAX_LAUNCH_PARAMS_LENGTH = 4_096;
export const LAUNCH_PARAMS_HEADER = 'x-vk-launch-params';

export const MINI_APP_ERRORS = {
  missing_launch_params: {
    status: 401,
    message: 'send the launch string (window.location.search without the "?") in the X-VK-Launch-Params header',
  },
  malformed_launch_params: { status: 401, message: `the launch string is longer than ${MAX_LAUNCH_PARAMS_LENGTH} characters` },
  incomplete_launch_params: { status: 401, message: 'the launch string has no sign, vk_app_id or vk_user_id' },
  ambiguous_launch_params: { status: 401, message: 'a vk_ parameter or sign appears more than once in the launch string' },
  bad_signature: { status: 401, message: "the launch string is not signed with this app's protected key" },
  expired: { status: 401, message: 'the launch string is older than this server accepts (vk_ts): reopen the mini app' },
  unknown_app: { status: 403, message: 'vk_app_id is not an app of this server' },
  origin_not_allowed: { status: 403, message: "this origin is not among the app's mini-app origins (payment settings)" },
  invalid_parameter: { status: 400, message: 'a query parameter is not valid' },
  not_found: { status: 404, message: 'no such order of this user' },
  rate_limited: { status: 429, message: 'too many requests: retry after the time in Retry-After' },
  unavailable: { status: 503, message: 'the server cannot read its database now: retry shortly' },
} as const satisfies Record<string, { status: number; message: string }>;

export type MiniAppErrorCode = keyof typeof MINI_APP_ERRORS;

const REFUSALS: Record<LaunchRefusal, MiniAppErrorCode> = {
  incomplete: 'incomplete_launch_params',
  ambiguous: 'ambiguous_launch_params',
  badSignature: 'bad_signature',
  expired: 'expired',
};

const positiveInt = (s: string | undefined): number | null => (s !== undefined && /^[1-9][0-9]{0,14}$/.test(s) ? Number(s) : null);

export type Authenticated = { ok: true; app: Readonly<AppRecord>; vkUserId: number } | { ok: false; code: MiniAppErrorCode };

/**
 * Verifies the launch string. Only `vk_app_id` is read before the signature is checked, to find the key;
 * an incomplete or ambiguous string is refused before any lookup.
 */
export async function authenticate(
  header: string | string[] | undefined,
  findApp: (vkAppId: number) => Promise<Readonly<AppRecord> | null>,
  now: Date,
  maxAgeSeconds: number | null,
): Promise<Authenticated> {
  if (header === undefined || header === '') return { ok: false, code: 'missing_launch_params' };
  // Node joins a repeated custom header with ", ": never VK's, refused as ambiguous.
  if (Array.isArray(header)) return { ok: false, code: 'ambiguous_launch_params' };
  if (header.length > MAX_LAUNCH_PARAMS_LENGTH) return { ok: false, code: 'malformed_launch_params' };
  const search = header.startsWith('?') ? header.slice(1) : header;
  const params = launchParams(search);
  const signs = new URLSearchParams(search).getAll('sign');
  if (!params || signs.length > 1) return { ok: false, code: 'ambiguous_launch_params' };
  const vkAppId = positiveInt(params.vk_app_id);
  if (signs.length === 0 || vkAppId === null || positiveInt(params.vk_user_id) === null) {
    return { ok: false, code: 'incomplete_launch_params' };
  }
  const app = await findApp(vkAppId);
  if (!app) return { ok: false, code: 'unknown_app' };
  const keys = { current: app.secretKey, previous: app.previousSecretKey, previousValidUntil: app.previousSecretExpiresAt };
  const checked = checkLaunch(search, keys, now, maxAgeSeconds);
  return checked.ok ? { ok: true, app, vkUserId: checked.vkUserId } : { ok: false, code: REFUSALS[checked.reason] };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

type Query = Record<string, unknown>;

/** One value of a query parameter: a repeated one is refused (which one was meant is not knowable). */
function single(query: Query, field: string): Parsed<string | undefined> {
  const v = query[field];
  if (v === undefined || typeof v === 'string') return { ok: true, value: v };
  return { ok: false, field, message: `${field} must be given once` };
}

// An ISO 8601 time with its offset, as Date#toISOString and the API's asOf write it; bounded in length.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export function entitlementsQuery(query: Query): Parsed<EntitlementsQuery> {
  const limit = single(query, 'limit');
  const after = single(query, 'after');
  const since = single(query, 'since');
  for (const p of [limit, after, since]) if (!p.ok) return p;
  const out: EntitlementsQuery = { limit: DEFAULT_LIMIT, afterId: null, since: null };
  if (limit.ok && limit.value !== undefined) {
    if (!/^[0-9]{1,3}$/.test(limit.value) || Number(limit.value) < 1 || Number(limit.value) > MAX_LIMIT) {
      return { ok: false, field: 'limit', message: `limit must be a whole number from 1 to ${MAX_LIMIT}` };
    }
    out.limit = Number(limit.value);
  }
  if (after.ok && after.value !== undefined) {
    out.afterId = decodeCursor(after.value);
    if (out.afterId === null) return { ok: false, field: 'after', message: 'after must be the nextCursor of a previous answer' };
  }
  if (since.ok && since.value !== undefined) {
    const time = ISO_TIME.test(since.value) ? new Date(since.value) : null;
    if (!time || Number.isNaN(time.getTime()) || time.getUTCFullYear() < 2000) {
      return { ok: false, field: 'since', message: 'since must be an ISO 8601 time with its offset, e.g. 2026-12-02T10:00:00Z' };
    }
    out.since = time;
  }
  return { ok: true, value: out };
}

export function orderQuery(orderId: string, query: Query): Parsed<{ orderId: string; test: boolean | null }> {
  // VK's order_id: decimal digits (docs/protocol.md §3), stored as text of at most 32.
  if (!/^[0-9]{1,32}$/.test(orderId)) return { ok: false, field: 'orderId', message: "orderId must be VK's order_id (digits)" };
  const test = single(query, 'test');
  if (!test.ok) return test;
  if (test.value !== undefined && test.value !== '0' && test.value !== '1')
    return { ok: false, field: 'test', message: 'test must be 1 or 0' };
  return { ok: true, value: { orderId, test: test.value === undefined ? null : test.value === '1' } };
}
