import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECRET } from '../../test/helpers.js';
import { canonicalString, computeSig, signParams, verifySig } from '../notifications/signature.js';
import { explainSignature } from './explain-signature.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const KEYS = { current: SECRET, previous: null, previousUntil: null };
const FIELDS = {
  app_id: '51234',
  item: 'gem pack/2',
  item_discount: '2',
  item_id: 'gem',
  notification_type: 'get_item',
  user_id: '7',
  version: '5.132',
};
const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

/** A body as a developer's own code would post it: the fields and the signature it computed. */
const bodyWith = (sig: string, fields: Record<string, string> = FIELDS): string => new URLSearchParams({ ...fields, sig }).toString();
const sorted = Object.keys(FIELDS).sort();
const pairs = (value: (k: string) => string = (k) => FIELDS[k as keyof typeof FIELDS]): string[] => sorted.map((k) => `${k}=${value(k)}`);

describe('explainSignature', () => {
  it('a correct signature matches, with the signed string shown with the key masked to its hint', () => {
    const r = explainSignature(new URLSearchParams(signParams(FIELDS, SECRET)).toString(), KEYS, NOW);
    expect(r).toMatchObject({ matches: true, signedWith: 'current', mistakes: [] });
    expect(r.canonicalString).toBe(`${pairs().join('')}••••XyZw`);
    expect(r.signedFields).toEqual(['app_id', 'item', 'item_discount', 'item_id', 'notification_type', 'user_id', 'version']);
    expect(r.expectedSignature).toBe(r.givenSignature);
  });

  it('never shows the key, whatever it explains', () => {
    for (const sig of ['', 'zz', md5('x'), signParams(FIELDS, SECRET).sig]) {
      expect(JSON.stringify(explainSignature(bodyWith(sig), KEYS, NOW))).not.toContain(SECRET);
    }
  });

  const cases: [string, string, RegExp][] = [
    ['URL-encoded values', md5(pairs((k) => encodeURIComponent(FIELDS[k as keyof typeof FIELDS])).join('') + SECRET), /hashed URL-encoded/],
    ['pairs joined with &', md5(pairs().join('&') + SECRET), /joined with "&"/],
    [
      'a field left out',
      md5(
        pairs()
          .filter((p) => !p.startsWith('version='))
          .join('') + SECRET,
      ),
      /"version" was left out/,
    ],
    ['a key with a trailing line break', md5(pairs().join('') + `${SECRET}\n`), /trailing line break/],
    ['no key appended', md5(pairs().join('')), /key was not appended/],
    ['the key first', md5(SECRET + pairs().join('')), /key was put first/],
  ];
  for (const [mistake, sig, hint] of cases) {
    it(`names the mistake when the signature was made with ${mistake}`, () => {
      const r = explainSignature(bodyWith(sig), KEYS, NOW);
      expect(r.matches).toBe(false);
      expect(r.givenSignature).toBe(sig);
      expect(r.mistakes.join('\n')).toMatch(hint);
    });
  }

  it('says when the fields were signed in the order they were sent, not sorted', () => {
    const order = ['user_id', 'app_id', 'version', 'notification_type', 'item', 'item_id', 'item_discount'];
    const sig = md5(order.map((k) => `${k}=${FIELDS[k as keyof typeof FIELDS]}`).join('') + SECRET);
    const body = new URLSearchParams([
      ...order.map((k) => [k, FIELDS[k as keyof typeof FIELDS]] as [string, string]),
      ['sig', sig],
    ]).toString();
    expect(explainSignature(body, KEYS, NOW).mistakes.join('\n')).toMatch(/not sorted by name/);
  });

  it('says when the previous key signed it after its overlap ended', () => {
    const rotated = { current: 'BrandNewKey98765', previous: SECRET, previousUntil: new Date('2026-11-27T11:00:00Z') };
    const r = explainSignature(new URLSearchParams(signParams(FIELDS, SECRET)).toString(), rotated, NOW);
    expect(r.matches).toBe(false);
    expect(r.mistakes[0]).toMatch(/previous key, whose overlap ended on 2026-11-27T11:00:00.000Z/);
  });

  it('matches the previous key during the overlap', () => {
    const rotated = { current: 'BrandNewKey98765', previous: SECRET, previousUntil: new Date('2026-11-28T00:00:00Z') };
    expect(explainSignature(new URLSearchParams(signParams(FIELDS, SECRET)).toString(), rotated, NOW)).toMatchObject({
      matches: true,
      signedWith: 'previous',
    });
  });

  it('points at the key itself when no common mistake reproduces the signature', () => {
    const r = explainSignature(new URLSearchParams(signParams(FIELDS, 'SomeOtherAppKey1')).toString(), KEYS, NOW);
    expect(r.mistakes).toEqual([
      expect.stringMatching(/no common mistake reproduces it: check that the key is this app's current one \(it ends in XyZw\)/),
    ]);
  });

  it('says a missing sig or one that is not 32 hex digits', () => {
    expect(explainSignature(new URLSearchParams(FIELDS).toString(), KEYS, NOW).mistakes).toEqual([
      expect.stringMatching(/there is no sig field/),
    ]);
    expect(explainSignature(bodyWith('abc'), KEYS, NOW).mistakes[0]).toMatch(/not 32 hexadecimal digits/);
  });

  it('reads the request as the log shows it (a JSON object) as well as the form body', () => {
    const json = JSON.stringify(signParams(FIELDS, SECRET));
    expect(explainSignature(json, KEYS, NOW)).toMatchObject({ matches: true });
  });

  it('reports a repeated field, which VK never sends', () => {
    const body = `${new URLSearchParams(signParams(FIELDS, SECRET)).toString()}&user_id=8`;
    expect(explainSignature(body, KEYS, NOW).mistakes[0]).toMatch(/not what VK sends: field user_id is repeated/);
  });
});

/** Every string anywhere in a value: the fields of an explanation and the items of its lists. */
const stringsOf = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : value !== null && typeof value === 'object' ? Object.values(value).flatMap(stringsOf) : [];

/** Sorted `[name, value]` pairs, the way they are signed. */
const signedPairs = (params: Record<string, string>): [string, string][] =>
  Object.entries(params)
    .filter(([k]) => k !== 'sig')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The body whose field `at` (in signing order) swallows the next `count` fields as `name=value` text:
 * another body with the very same signed string, hence the very same signature (README "The
 * notification endpoint": the pairs have no separators).
 */
function fold(params: Record<string, string>, at: number, count: number): Record<string, string> {
  const pairs = signedPairs(params);
  const i = Math.min(at, pairs.length - 1);
  const swallowed = pairs.splice(i + 1, count);
  pairs[i] = [pairs[i]![0], pairs[i]![1] + swallowed.map(([k, v]) => `${k}=${v}`).join('')];
  return Object.fromEntries(pairs);
}

/** A real chargeable order of the issue, with an extra field whose value is `_test`. */
const REAL = {
  app_id: '51234',
  item: 'gem',
  item_price: '10',
  notification_type: 'order_status_change',
  order_id: '77',
  receiver_id: '7',
  status: 'chargeable',
  user_id: '7',
  zz: '_test',
};
/** The same signed string as one `_test` body: every field after the type folded into it. */
const FOLDED = fold(REAL, 3, 5);

describe('explainSignature never signs a body for the caller', () => {
  it('the folded body of the issue is a "_test" notification with the real order\'s signed string', () => {
    expect(FOLDED.notification_type).toBe('order_status_changeorder_id=77receiver_id=7status=chargeableuser_id=7zz=_test');
    expect(canonicalString(FOLDED)).toBe(canonicalString(REAL));
  });

  it('withholds the expected signature of that folded "_test" body, which would sign the real order', () => {
    const r = explainSignature(new URLSearchParams({ ...FOLDED, sig: '0'.repeat(32) }).toString(), KEYS, NOW);
    expect(r).toMatchObject({ matches: false, expectedSignature: null });
    const forged = computeSig(REAL, SECRET);
    for (const text of stringsOf(r)) expect(text).not.toContain(forged);
  });

  it('withholds it for a plain _test notification signed wrong, too, and still names the mistake', () => {
    const test = { ...FIELDS, notification_type: 'get_item_test' };
    const wrong = md5(
      signedPairs(test)
        .map(([k, v]) => `${k}=${v}`)
        .join('&') + SECRET,
    );
    const r = explainSignature(bodyWith(wrong, test), KEYS, NOW);
    expect(r.expectedSignature).toBeNull();
    expect(r.mistakes.join(' ')).toMatch(/joined with "&"/);
  });

  it('gives the expected signature when the given one matches: it is the given one', () => {
    const sig = signParams(REAL, SECRET).sig;
    expect(explainSignature(bodyWith(sig.toUpperCase(), REAL), KEYS, NOW)).toMatchObject({ matches: true, expectedSignature: sig });
  });

  it("withholds it for a match under the previous key: the current key's signature would outlive the overlap", () => {
    const rotated = { current: 'BrandNewKey98765', previous: SECRET, previousUntil: new Date('2026-11-28T00:00:00Z') };
    const r = explainSignature(new URLSearchParams(signParams(FIELDS, SECRET)).toString(), rotated, NOW);
    expect(r).toMatchObject({ matches: true, signedWith: 'previous', expectedSignature: null });
    expect(JSON.stringify(r)).not.toContain(computeSig(FIELDS, 'BrandNewKey98765'));
  });

  // The property: whatever body and signature come in — folded bodies, `_test` suffixes, `=` and `&` in
  // values, random, malformed or wrongly made signatures — nothing that comes out is a signature the
  // caller did not bring.
  const VK_NAMES = [
    'app_id',
    'user_id',
    'receiver_id',
    'order_id',
    'item',
    'item_id',
    'item_price',
    'item_title',
    'status',
    'date',
    'lang',
    'version',
    'subscription_id',
    'zz',
  ];
  const TYPES = ['get_item', 'order_status_change', 'get_subscription', 'subscription_status_change'].flatMap((t) => [t, `${t}_test`]);
  const hex32 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 });
  const value = fc.oneof(
    fc.constantFrom(
      '',
      '1',
      '10',
      'chargeable',
      'gem',
      '_test',
      '=',
      '&',
      '=&=',
      'status=chargeable',
      'notification_type=order_status_change',
      'order_id=1zz=_test',
      '%3D',
      'a b+c',
    ),
    fc.string({ maxLength: 24 }),
    fc.string({ unit: fc.constantFrom('a', 'b', '_', '=', '&', 't', 'e', 's', '1'), maxLength: 16 }),
    hex32,
  );
  const name = fc.oneof(
    fc.constantFrom(...VK_NAMES),
    fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_'), minLength: 1, maxLength: 12 }),
  );
  const body = fc
    .record({
      type: fc.oneof(
        fc.constantFrom(...TYPES),
        value,
        fc.constantFrom(...TYPES).map((t) => `${t}_test`),
      ),
      rest: fc.dictionary(
        name.filter((n) => n !== 'notification_type' && n !== 'sig'),
        value,
        { maxKeys: 9 },
      ),
    })
    .map(({ type, rest }) => ({ ...rest, notification_type: type }));
  /** The body as sent: as it was generated, or with some fields folded into a neighbour. */
  const sent = fc.oneof(
    body,
    fc.tuple(body, fc.nat(10), fc.integer({ min: 1, max: 9 })).map(([b, at, count]) => fold(b, at, count)),
    fc.constant(FOLDED),
  );
  const OTHER_KEY = 'SomeOtherAppKey1';
  const PREVIOUS = 'ThePreviousKey42';
  /** Signatures the caller may bring: nonsense, hex, ones made wrong with the key, and right ones. */
  const given = (params: Record<string, string>) =>
    fc.oneof(
      fc.constant(null),
      hex32,
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        md5(
          signedPairs(params)
            .map(([k, v]) => `${k}=${v}`)
            .join('&') + SECRET,
        ),
        md5(canonicalString(params) + `${SECRET}\n`),
        md5(canonicalString(params)),
        computeSig(params, OTHER_KEY),
        computeSig(params, PREVIOUS),
        computeSig({ ...params, notification_type: `${params.notification_type}_test` }, SECRET),
        computeSig({ ...params, notification_type: String(params.notification_type).replace(/_test$/, '') }, SECRET),
        ...Object.keys(params).map((k) => computeSig(Object.fromEntries(Object.entries(params).filter(([n]) => n !== k)), SECRET)),
        computeSig(params, SECRET),
        computeSig(params, SECRET).toUpperCase(),
      ),
    );
  const keys = fc.constantFrom(
    KEYS,
    { current: SECRET, previous: PREVIOUS, previousUntil: new Date('2026-11-28T00:00:00Z') },
    { current: SECRET, previous: PREVIOUS, previousUntil: new Date('2026-11-27T00:00:00Z') },
  );
  const asJson = fc.boolean();

  it('for 1,000 bodies, folded or not, nothing returned is a signature the caller did not already hold', () => {
    fc.assert(
      fc.property(
        sent.chain((params) => fc.tuple(fc.constant(params), given(params), keys, asJson)),
        ([params, sig, k, json]) => {
          const posted = sig === null ? params : { ...params, sig };
          const raw = json ? JSON.stringify(posted) : new URLSearchParams(posted).toString();
          const r = explainSignature(raw, k, NOW);
          const brought = (sig ?? '').toLowerCase();
          const holds = verifySig(posted, k.current);

          // Given only when it matched under the current key, and then it is the signature brought.
          expect(r.expectedSignature).toBe(holds ? brought : null);
          // What the current and previous keys give for this body, for every body with its signed string,
          // for its test / real twin and for it with a field left out: none may come out unless brought.
          const twins = [
            params,
            { ...params, notification_type: `${params.notification_type}_test` },
            { ...params, notification_type: String(params.notification_type).replace(/_test$/, '') },
            ...Object.keys(params).map((left) => Object.fromEntries(Object.entries(params).filter(([n]) => n !== left))),
          ];
          const forbidden = twins
            .flatMap((p) => [k.current, ...(k.previous ? [k.previous] : [])].map((key) => computeSig(p, key)))
            .filter((s) => s !== brought);
          for (const text of stringsOf(r)) {
            for (const signature of forbidden) expect(text.toLowerCase()).not.toContain(signature);
            expect(text).not.toContain(SECRET);
          }
          // The free text names mistakes and fields; any MD5 in it is the one brought.
          for (const run of r.mistakes
            .join(' ')
            .toLowerCase()
            .match(/[0-9a-f]{32}/g) ?? [])
            expect(run).toBe(brought);
          // The rest is the caller's own body, shown back.
          expect(r.canonicalString).toBe(`${canonicalString(params)}••••XyZw`);
        },
      ),
      { numRuns: 1_000 },
    );
  }, 60_000);
});
