/**
 * An app's mini-app origins: where its front-end runs, so browsers may call the mini app API from there
 * (docs/protocol.md §9, CORS). Stored normalized (`scheme://host[:port]`, lower case, no default port),
 * so a request's `Origin` is compared as a string.
 *
 * - https only; http just for `localhost` and `127.0.0.1` (a developer's `vk-miniapps` dev server).
 * - No path, query, fragment, user name or password: an origin has none.
 * - One wildcard form, `https://*.example.com`: any subdomain of that host, at any depth, never the host
 *   itself. VK's own hosting serves each deploy of a mini app from a new subdomain
 *   (`https://prod-app51234567-1a2b3c.pages-ac.vk-apps.com`), which a fixed list cannot follow. The
 *   wildcard needs at least two labels after it (`*.com` is refused) and https.
 * - At most MAX_MINI_APP_ORIGINS of them, each at most MAX_ORIGIN_LENGTH characters.
 */
import { isIP } from 'node:net';
import type { InputErrorParams } from '@vk-payments/shared';
import { z } from 'zod';

export const MAX_MINI_APP_ORIGINS = 20;
export const MAX_ORIGIN_LENGTH = 255;

const DEV_HOSTS = new Set(['localhost', '127.0.0.1']);
const WILDCARD = '*.';

export type OriginRefusal = 'invalidUrl' | 'originHasPath' | 'originNotHttps' | 'originWildcard' | 'urlCredentials';

/** The normalized form of an origin as typed into the settings, or why it is not one. */
export function normalizeOrigin(input: string): { ok: true; origin: string } | { ok: false; refusal: OriginRefusal } {
  const text = input.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== 'https' && scheme !== 'http') return { ok: false, refusal: 'invalidUrl' };
  const rest = text.slice(scheme.length + 3);
  const authority = /^[^/?#]*/.exec(rest)![0];
  // "https://a.example/" is the origin https://a.example; anything more is a path, query or fragment.
  if (rest.length > authority.length && rest.slice(authority.length) !== '/') return { ok: false, refusal: 'originHasPath' };
  const wildcard = authority.startsWith(WILDCARD);
  const host = wildcard ? authority.slice(WILDCARD.length) : authority;
  if (host.includes('@')) return { ok: false, refusal: 'urlCredentials' };
  if (host.includes('*')) return { ok: false, refusal: 'originWildcard' };
  let url: URL;
  try {
    // The wildcard is parsed as an ordinary label, so the rest of the host is normalized the same way (case, IDN).
    url = new URL(`${scheme}://${wildcard ? `w.${host}` : host}`);
  } catch {
    return { ok: false, refusal: wildcard ? 'originWildcard' : 'invalidUrl' };
  }
  if (!url.hostname) return { ok: false, refusal: 'invalidUrl' };
  if (scheme === 'http' && (wildcard || !DEV_HOSTS.has(url.hostname))) return { ok: false, refusal: 'originNotHttps' };
  if (!wildcard) return { ok: true, origin: url.origin };
  const labels = url.hostname.split('.').slice(1);
  if (labels.length < 2 || url.hostname.includes('[') || isIP(labels.join('.'))) return { ok: false, refusal: 'originWildcard' };
  return { ok: true, origin: `https://${WILDCARD}${labels.join('.')}${url.port ? `:${url.port}` : ''}` };
}

const LABELS = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;

/**
 * A matcher of browsers' `Origin` headers (compared as they came: browsers send them normalized) against
 * a list of stored origins: exact entries by a set lookup, `https://*.example.com[:port]` by its suffix.
 */
export function originMatcher(allowed: Iterable<string>): (origin: string) => boolean {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of allowed) {
    if (entry.startsWith(`https://${WILDCARD}`)) suffixes.push(entry.slice('https://*'.length));
    else exact.add(entry);
  }
  return (origin) => {
    if (exact.has(origin)) return true;
    if (!suffixes.length || !origin.startsWith('https://')) return false;
    const host = origin.slice('https://'.length);
    return suffixes.some((suffix) => host.length > suffix.length && host.endsWith(suffix) && LABELS.test(host.slice(0, -suffix.length)));
  };
}

/** Whether a browser's `Origin` is one of `allowed`. */
export const originAllowed = (allowed: readonly string[], origin: string): boolean => originMatcher(allowed)(origin);

const REFUSAL_MESSAGES: Record<OriginRefusal, string> = {
  invalidUrl: 'must be an origin such as https://example.com',
  originHasPath: 'must be an origin only (scheme://host[:port]), without a path, query or fragment',
  originNotHttps: 'must use https (http only for localhost and 127.0.0.1)',
  originWildcard: 'a wildcard may only start an https host with at least two more labels: https://*.example.com',
  urlCredentials: 'must not contain a user name or password',
};

const REFUSAL_PARAMS: Record<OriginRefusal, InputErrorParams> = {
  invalidUrl: { reason: 'invalidUrl' },
  originHasPath: { reason: 'notAllowed', rule: 'originHasPath' },
  originNotHttps: { reason: 'notAllowed', rule: 'originNotHttps' },
  originWildcard: { reason: 'notAllowed', rule: 'originWildcard' },
  urlCredentials: { reason: 'urlCredentials' },
};

const originSchema = z
  .string()
  .max(MAX_ORIGIN_LENGTH, `must be at most ${MAX_ORIGIN_LENGTH} characters`)
  .transform((value, ctx) => {
    const result = normalizeOrigin(value);
    if (result.ok) return result.origin;
    ctx.addIssue({ code: 'custom', message: REFUSAL_MESSAGES[result.refusal], params: REFUSAL_PARAMS[result.refusal] });
    return z.NEVER;
  });

/** The list as a mutation takes it: each entry normalized, duplicates dropped, order kept. */
export const miniAppOriginsSchema = z
  .array(originSchema)
  .max(MAX_MINI_APP_ORIGINS, `must list at most ${MAX_MINI_APP_ORIGINS} origins`)
  .transform((origins) => [...new Set(origins)]);
