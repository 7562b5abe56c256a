/**
 * The signature debugger behind `explainSignature`: for a body as it was posted, the string VK signs
 * (docs/protocol.md §2; the key masked), the signature the app's key gives, the one that came, and — when they
 * differ — which classic mistake reproduces the given one. Each candidate mistake is a variant of the
 * canonical computation; a variant whose MD5 equals the given signature names the mistake for certain.
 * Pure: keys in, explanation out.
 *
 * It is no signing oracle: nothing it returns is a signature the caller did not bring. The variants are
 * only compared with the given signature, never returned, and the expected signature is returned only
 * when the given one already matches under the current key. A `_test` type is no exception: VK's signed
 * string has no separators (README "The notification endpoint"), so a "test" body can carry a real
 * payment's fields folded into one value (`notification_type=order_status_changeorder_id=…zz=_test`) and
 * share its signature.
 */
import { createHash } from 'node:crypto';
import { secretKeyHint } from '../secrets/hints.js';
import { parseForm } from '../notifications/form.js';
import { canonicalString, computeSig, verifySig } from '../notifications/signature.js';

export interface SigningKeys {
  current: string;
  previous: string | null;
  previousUntil: Date | null;
}

export interface SignatureExplanation {
  /** The string that is hashed, the key shown as its hint: `k1=v1k2=v2…••••abcd`. */
  canonicalString: string;
  /** Field names in signing order (every field but sig, by code unit). */
  signedFields: string[];
  /**
   * What the app's current key gives for this body, only when the given signature already matches under
   * that key (it is then the given one, in lower case). Null otherwise, `_test` types included: it would
   * be a signature for a body the caller could not sign. Null too for a match under the previous key
   * during a rotation: the current key's signature would outlive the overlap.
   */
  expectedSignature: string | null;
  givenSignature: string | null;
  matches: boolean;
  /** Which key the given signature matches: 'current', 'previous' (during a rotation's overlap), or null. */
  signedWith: 'current' | 'previous' | null;
  /** Why they differ, most certain first; empty when they match. */
  mistakes: string[];
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** Accepts the form body VK posts or, for convenience, the JSON object the log shows as `request`. */
function readBody(rawBody: string): { params: Record<string, string>; problems: string[]; order: string[] } {
  const trimmed = rawBody.trim();
  if (trimmed.startsWith('{')) {
    try {
      const object = JSON.parse(trimmed) as Record<string, unknown>;
      const params = Object.fromEntries(Object.entries(object).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
      return { params, problems: [], order: Object.keys(params) };
    } catch {
      // Not JSON after all: read it as a form.
    }
  }
  const form = parseForm(trimmed);
  const order = [...new URLSearchParams(trimmed).keys()];
  if (form.ok) return { params: form.params, problems: [], order };
  const firstValues = Object.fromEntries(Object.entries(form.params).map(([k, v]) => [k, Array.isArray(v) ? v[0]! : v]));
  return { params: firstValues, problems: [`the body itself is not what VK sends: ${form.reason}`], order };
}

/** Variants of the computation, each one classic way of getting it wrong. */
function candidates(params: Record<string, string>, order: string[], secret: string): [mistake: string, signature: string][] {
  const names = Object.keys(params).filter((n) => n !== 'sig');
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const pairs = (list: string[], value: (n: string) => string = (n) => params[n]!) => list.map((n) => `${n}=${value(n)}`);
  const canonical = canonicalString(params);
  const out: [string, string][] = [
    [
      'the values were hashed URL-encoded: VK hashes the decoded values (docs/protocol.md §2)',
      md5(pairs(sorted, (n) => encodeURIComponent(params[n]!)).join('') + secret),
    ],
    [
      'the values were hashed form-encoded (spaces as +): VK hashes the decoded values (docs/protocol.md §2)',
      md5(pairs(sorted, (n) => new URLSearchParams({ v: params[n]! }).toString().slice(2)).join('') + secret),
    ],
    [
      'the pairs were joined with "&": VK concatenates k=v pairs with no separator (docs/protocol.md §2)',
      md5(pairs(sorted).join('&') + secret),
    ],
    [
      'the fields were not sorted by name: VK sorts them (docs/protocol.md §2)',
      md5(pairs(order.filter((n) => n !== 'sig')).join('') + secret),
    ],
    ['the key was not appended: VK hashes the string followed by the protected key (docs/protocol.md §2)', md5(canonical)],
    ['the key was put first: VK appends it after the fields (docs/protocol.md §2)', md5(secret + canonical)],
    [
      'sig itself was signed: VK signs every field except sig (docs/protocol.md §2)',
      md5(pairs(Object.keys(params).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).join('') + secret),
    ],
  ];
  for (const [what, padded] of [
    ['a trailing line break', `${secret}\n`],
    ['a trailing CRLF', `${secret}\r\n`],
    ['a trailing space', `${secret} `],
    ['a leading space', ` ${secret}`],
  ] as const) {
    out.push([`the key was used with ${what} (copied with it from the panel): trim it`, md5(canonical + padded)]);
  }
  for (const left of sorted) {
    out.push([
      `the field "${left}" was left out of the signed string: VK signs every field it sends except sig, even empty ones (docs/protocol.md §2)`,
      md5(pairs(sorted.filter((n) => n !== left)).join('') + secret),
    ]);
  }
  return out;
}

export function explainSignature(rawBody: string, keys: SigningKeys, now: Date): SignatureExplanation {
  const { params, problems, order } = readBody(rawBody);
  const given = typeof params.sig === 'string' && params.sig !== '' ? params.sig : null;
  const canonical = canonicalString(params);
  const previousValid = keys.previous !== null && keys.previousUntil !== null && now < keys.previousUntil;
  const signedWith = verifySig(params, keys.current) ? 'current' : previousValid && verifySig(params, keys.previous!) ? 'previous' : null;
  const base = {
    canonicalString: canonical + secretKeyHint(keys.current),
    signedFields: Object.keys(params)
      .filter((n) => n !== 'sig')
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    expectedSignature: signedWith === 'current' ? computeSig(params, keys.current) : null,
    givenSignature: given,
    matches: signedWith !== null,
    signedWith,
  } as const;
  if (signedWith !== null) return { ...base, mistakes: problems };

  const mistakes = [...problems];
  if (given === null) {
    mistakes.push('there is no sig field: VK always sends one (error 10 without it)');
    return { ...base, mistakes };
  }
  const normalized = given.trim().toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(normalized))
    mistakes.push(`sig is not 32 hexadecimal digits: an MD5 in hex is (got ${given.length} characters)`);
  if (keys.previous !== null && !previousValid && computeSig(params, keys.previous) === normalized) {
    const ended = keys.previousUntil ? ` on ${keys.previousUntil.toISOString()}` : '';
    mistakes.push(`it was signed with the previous key, whose overlap ended${ended}: VK's panel and this server must hold the same key`);
  }
  for (const secret of keys.previous !== null && previousValid ? [keys.current, keys.previous] : [keys.current]) {
    for (const [mistake, signature] of candidates(params, order, secret)) {
      if (signature === normalized) mistakes.push(secret === keys.current ? mistake : `${mistake} (with the previous key)`);
    }
  }
  if (mistakes.length === problems.length) {
    mistakes.push(
      `no common mistake reproduces it: check that the key is this app's current one (it ends in ${keys.current.slice(-4)}), ` +
        'and that nothing between VK and here changes the body (a proxy re-encoding it)',
    );
  }
  return { ...base, mistakes };
}
