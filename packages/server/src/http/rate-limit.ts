/**
 * The API's rate limit (README "Rate limits"): `VKP_RATE_LIMIT` requests per minute per principal,
 * one fixed window per key, shared by GraphQL over HTTP, the CSV export and graphql-ws. Kept in
 * memory per instance: a limit only has to stop one caller from crowding out the others here.
 *
 * Memory is bounded: keys whose window has passed are dropped as new ones come, and past `maxKeys`
 * the oldest window is dropped, so a caller cycling addresses cannot grow the table without bound
 * (at worst they reset someone's window early, never take more memory).
 */
import type { Principal } from '../auth/permissions.js';

export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Counts one request for `key`: refused once `max` were counted in the current window. */
  take(key: string): RateVerdict;
  /** How many keys are tracked now (for tests of the memory bound). */
  readonly size: number;
}

export interface RateLimiterOptions {
  /** Requests per window; 0 = unlimited. */
  max: number;
  windowMs?: number;
  maxKeys?: number;
  now?: () => number;
}

export const DEFAULT_MAX_KEYS = 100_000;

export function createRateLimiter({ max, windowMs = 60_000, maxKeys = DEFAULT_MAX_KEYS, now = Date.now }: RateLimiterOptions): RateLimiter {
  // Insertion order = window start order (a new window re-inserts its key), so stale keys sit at the front.
  const windows = new Map<string, { start: number; count: number }>();
  const allowed: RateVerdict = { ok: true };
  return {
    get size() {
      return windows.size;
    },
    take(key) {
      if (max <= 0) return allowed;
      const at = now();
      for (const [oldest, w] of windows) {
        if (w.start + windowMs > at) break;
        windows.delete(oldest);
      }
      let w = windows.get(key);
      if (!w) {
        while (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
        w = { start: at, count: 0 };
        windows.set(key, w);
      }
      if (w.count >= max) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + windowMs - at) / 1000)) };
      w.count++;
      return allowed;
    },
  };
}

/**
 * Whose allowance a request spends: the principal once authenticated (so a caller cannot get a fresh
 * bucket per made-up token), else the client address (no token, or one that is not valid).
 */
export function rateLimitKey(principal: Principal | null, address: string | undefined): string {
  if (!principal) return `addr:${address ?? 'unknown'}`;
  switch (principal.kind) {
    case 'root':
      return principal.keyId === null ? 'root' : `key:${principal.keyId}`;
    case 'key':
      return `key:${principal.keyId}`;
    case 'session':
      return `session:${principal.sessionId}`;
  }
}
