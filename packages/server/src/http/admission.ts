/**
 * Letting an API request in (HTTP and graphql-ws alike): look its token up, then spend the allowance of
 * whoever it is (rate-limit.ts). The lookup is a database query, so an address that has already spent
 * its allowance must not buy one query per request with made-up tokens: when the request's address is
 * out of allowance and its token is not one this instance saw valid lately, it is refused before the
 * lookup. The price: a valid token this instance has not seen lately, sent from an address that is out
 * of allowance (say behind a NAT shared with an abuser), waits for that address's window like the
 * abuser does (a minute at most). A remembered token is still looked up every time: remembering it
 * only skips the early refusal, so a revocation still takes effect at once.
 */
import type { Authentication } from '../keys/tokens.js';
import { hashToken } from '../access/token-format.js';
import { addressKey, rateLimitKey, type RateLimiter, type RateVerdict } from './rate-limit.js';

export type Admitted = { ok: true; auth: Authentication } | Extract<RateVerdict, { ok: false }>;

export interface Admission {
  /** Authenticates `token` with `lookup` and counts the request; refused once its principal (or address) is out of allowance. */
  admit(
    token: string | undefined,
    address: string | undefined,
    lookup: (token: string | undefined) => Promise<Authentication>,
  ): Promise<Admitted>;
}

/** Tokens remembered as recently valid (their SHA-256 only), least recently used dropped first. */
export const DEFAULT_KNOWN_TOKENS = 10_000;

export function createAdmission(limiter: RateLimiter, knownTokens = DEFAULT_KNOWN_TOKENS): Admission {
  const known = new Map<string, true>();
  const remember = (hash: string): void => {
    known.delete(hash);
    known.set(hash, true);
    if (known.size > knownTokens) known.delete(known.keys().next().value!);
  };
  return {
    async admit(token, address, lookup) {
      const hash = token ? hashToken(token) : undefined;
      if (hash === undefined || !known.has(hash)) {
        const spent = limiter.peek(addressKey(address));
        if (!spent.ok) return spent;
      }
      const auth = await lookup(token);
      if (hash !== undefined) {
        if (auth.principal) remember(hash);
        else known.delete(hash);
      }
      const verdict = limiter.take(rateLimitKey(auth.principal, address));
      return verdict.ok ? { ok: true, auth } : verdict;
    },
  };
}
