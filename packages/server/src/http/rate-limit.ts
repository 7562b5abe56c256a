/**
 * The API's rate limit (README "Rate limits"): `VKP_RATE_LIMIT` requests per minute per principal,
 * one fixed window per key, shared by GraphQL over HTTP, the CSV export and graphql-ws. Kept in
 * memory per instance: a limit only has to stop one caller from crowding out the others here.
 *
 * Memory is bounded, and principals and addresses are kept apart because only addresses cost an
 * attacker nothing to make up. Principals (the root token and API keys) are bounded by the database:
 * their windows are dropped only once passed. Addresses are not bounded: past `maxAddresses` the
 * oldest address window is dropped, so a caller cycling addresses cannot grow the table, and can at
 * worst reset another address's window early — never a principal's.
 */
import type { Principal } from '../access/permissions.js';
import { addressBucket } from './address-bucket.js';

export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Counts one request for `key`: refused once `max` were counted in the current window. */
  take(key: string): RateVerdict;
  /** What `take` would answer now, without counting anything. */
  peek(key: string): RateVerdict;
  /** How many keys are tracked now (for tests of the memory bound). */
  readonly size: number;
}

export interface RateLimiterOptions {
  /** Requests per window; 0 = unlimited. */
  max: number;
  windowMs?: number;
  /** At most this many address windows; principals' windows never count against it. */
  maxAddresses?: number;
  now?: () => number;
}

export const DEFAULT_MAX_ADDRESSES = 100_000;

/** Keys of requests without a valid token start with this (rateLimitKey); every other key is a principal. */
export const ADDRESS_KEY_PREFIX = 'addr:';

interface Window {
  start: number;
  count: number;
}

export function createRateLimiter({
  max,
  windowMs = 60_000,
  maxAddresses = DEFAULT_MAX_ADDRESSES,
  now = Date.now,
}: RateLimiterOptions): RateLimiter {
  // Insertion order = window start order (a new window re-inserts its key), so stale keys sit at the front.
  const principals = new Map<string, Window>();
  const addresses = new Map<string, Window>();
  const allowed: RateVerdict = { ok: true };
  const tableOf = (key: string) => (key.startsWith(ADDRESS_KEY_PREFIX) ? addresses : principals);

  function dropPassed(table: Map<string, Window>, at: number): void {
    for (const [oldest, w] of table) {
      if (w.start + windowMs > at) break;
      table.delete(oldest);
    }
  }
  function refused(w: Window, at: number): RateVerdict {
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + windowMs - at) / 1000)) };
  }

  return {
    get size() {
      return principals.size + addresses.size;
    },
    take(key) {
      if (max <= 0) return allowed;
      const at = now();
      dropPassed(principals, at);
      dropPassed(addresses, at);
      const table = tableOf(key);
      let w = table.get(key);
      if (!w) {
        if (table === addresses) while (addresses.size >= maxAddresses) addresses.delete(addresses.keys().next().value!);
        w = { start: at, count: 0 };
        table.set(key, w);
      }
      if (w.count >= max) return refused(w, at);
      w.count++;
      return allowed;
    },
    peek(key) {
      if (max <= 0) return allowed;
      const at = now();
      const w = tableOf(key).get(key);
      return w && w.start + windowMs > at && w.count >= max ? refused(w, at) : allowed;
    },
  };
}

/** The key of requests from `address` without a valid token: its bucket (an IPv6 /64, address-bucket.ts). */
export function addressKey(address: string | undefined): string {
  return `${ADDRESS_KEY_PREFIX}${address === undefined ? 'unknown' : addressBucket(address)}`;
}

/**
 * Whose allowance a request spends: the principal once authenticated (so a caller cannot get a fresh
 * bucket per made-up token), else the client address (no token, or one that is not valid). The root
 * token is one principal, whether configured (VKP_ADMIN_TOKEN) or stored. A widget session spends the allowance of the key that minted it (the root token's when minted with it): a key
 * holder can mint sessions at will, and each must not bring a fresh allowance.
 */
export function rateLimitKey(principal: Principal | null, address: string | undefined): string {
  if (!principal) return addressKey(address);
  switch (principal.kind) {
    case 'root':
      return 'root';
    case 'key':
      return `key:${principal.keyId}`;
    case 'session':
      return principal.keyId === null ? 'root' : `key:${principal.keyId}`;
  }
}
