/**
 * VK's notification signature (docs/protocol.md §2):
 *   sig = lowercase hex MD5( k1=v1k2=v2…kn=vn + SECRET )
 * over every decoded parameter except `sig`, sorted by name in code-unit order, with no separators.
 * Used by the endpoint, the CLI simulator, tests, and exported for users' own code.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type SignableParams = Readonly<Record<string, string>>;

/** The string that is hashed, without the secret: `k1=v1k2=v2…` over every field but `sig`. */
export function canonicalString(params: SignableParams): string {
  // Plain code-unit order, not localeCompare: `item` < `item_discount` < `item_id` (docs/protocol.md §2, step 3).
  const names = Object.keys(params)
    .filter((name) => name !== 'sig')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => `${name}=${params[name]}`).join('');
}

/** The signature VK would send for these params. */
export function computeSig(params: SignableParams, secret: string): string {
  return createHash('md5')
    .update(canonicalString(params) + secret, 'utf8')
    .digest('hex');
}

/** Returns the params with a correct `sig` added (fixture helper for tests and the simulator). */
export function signParams<T extends SignableParams>(params: T, secret: string): T & { sig: string } {
  const { sig: _ignored, ...rest } = params as SignableParams;
  return { ...(rest as T), sig: computeSig(rest, secret) };
}

/** True when `sig` matches; compares in constant time, upper-case hex tolerated (docs/protocol.md §2, step 6). */
export function verifySig(params: SignableParams, secret: string): boolean {
  const given = params.sig;
  if (typeof given !== 'string' || !/^[0-9a-fA-F]{32}$/.test(given)) return false;
  const expected = Buffer.from(computeSig(params, secret), 'hex');
  return timingSafeEqual(expected, Buffer.from(given.toLowerCase(), 'hex'));
}
