import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECRET } from '../../test/helpers.js';
import { isSignableItemId, signOnRequest, UnsignableError, unsignable } from './signable.js';
import { canonicalString, verifySig } from './signature.js';

/** A get_item_test as checkNotificationUrl sends it. */
const GET_ITEM = {
  app_id: '1524456',
  item: 'gem_pack',
  lang: 'ru_RU',
  notification_type: 'get_item_test',
  order_id: '2044594',
  receiver_id: '1',
  user_id: '1',
  version: '5.132',
};
/** An order_status_change_test as simulateNotification sends it, from the catalog's answer. */
const ORDER = {
  app_id: '1524456',
  date: '1656358147',
  item: 'gem_pack',
  item_discount: '2',
  item_id: 'gem_pack',
  item_photo_url: 'https://cdn.example.com/gems/pack-100.png',
  item_price: '10',
  item_title: 'Чудо-здание ×100 💎',
  notification_type: 'order_status_change_test',
  order_id: '2044861',
  receiver_id: '1',
  status: 'chargeable',
  user_id: '1',
  version: '5.132',
};
const KINDS = ['get_item', 'order_status_change', 'get_subscription', 'subscription_status_change'];

/**
 * True when some body with a real (non-`_test`) type could have this signed string: a
 * `notification_type=` in it followed by a real kind, after which the string ends or a name sorted after
 * `notification_type` can begin (any text up to a later `=`). It over-approximates: the earlier names are
 * not checked. The header of signable.ts says why a body it accepts never has one.
 */
function couldBeRealPayment(signed: string): boolean {
  for (let at = signed.indexOf('notification_type='); at !== -1; at = signed.indexOf('notification_type=', at + 1)) {
    const valueStart = at + 'notification_type='.length;
    for (const kind of KINDS) {
      if (!signed.startsWith(kind, valueStart)) continue;
      const next = valueStart + kind.length;
      if (next === signed.length) return true;
      for (let eq = signed.indexOf('=', next); eq !== -1; eq = signed.indexOf('=', eq + 1)) {
        if (eq > next && signed.slice(next, eq) > 'notification_type') return true;
      }
    }
  }
  return false;
}

describe('the signable guard', () => {
  it('signs what the URL check and the simulator send, titles in any language included', () => {
    expect(unsignable(GET_ITEM)).toBeNull();
    expect(unsignable(ORDER)).toBeNull();
    expect(verifySig(signOnRequest(ORDER, SECRET), SECRET)).toBe(true);
    expect(unsignable({ ...ORDER, sig: 'anything: it is replaced' })).toBeNull();
  });

  it('refuses an item id holding a real order folded into it, naming the field', () => {
    const item = 'gemnotification_type=order_status_changeorder_id=5receiver_id=7status=chargeableuser_id=7zz=';
    expect(unsignable({ ...GET_ITEM, item })).toEqual({
      field: 'item',
      reason: expect.stringMatching(/^"gemnotification_type=order_status_change…" is not signed here: contains "="/) as string,
    });
    expect(() => signOnRequest({ ...GET_ITEM, item }, SECRET)).toThrow(UnsignableError);
  });

  const refused: [string, Record<string, string>, string][] = [
    ['"=" in a title', { ...ORDER, item_title: 'Gems=100' }, 'item_title'],
    ['"=" in a photo URL (a query)', { ...ORDER, item_photo_url: 'https://cdn.example.com/p.png?v=2' }, 'item_photo_url'],
    ['a space in an item id', { ...ORDER, item_id: 'gem pack' }, 'item_id'],
    ['a real type', { ...ORDER, notification_type: 'order_status_change' }, 'notification_type'],
    ['a type with a folded tail', { ...ORDER, notification_type: 'order_status_changeorder_id=1zz=_test' }, 'notification_type'],
    ['no type at all', { app_id: '1', item: 'gem' }, 'notification_type'],
    ['a field VK does not send', { ...GET_ITEM, zz: '_test' }, 'zz'],
    ['a name with "=" in it', { ...GET_ITEM, 'item=x': '1' }, 'item=x'],
    ['a number that is not one', { ...GET_ITEM, user_id: '1e9' }, 'user_id'],
    ['a line break in a title', { ...ORDER, item_title: 'Gems\n100' }, 'item_title'],
    ['a title longer than VK shows', { ...ORDER, item_title: 'x'.repeat(49) }, 'item_title'],
    ['a language VK does not send', { ...GET_ITEM, lang: 'xx_XX' }, 'lang'],
  ];
  for (const [what, fields, field] of refused) {
    it(`refuses ${what}`, () => {
      expect(unsignable(fields)?.field).toBe(field);
    });
  }

  it('takes item ids of A–Z a–z 0–9 _ . : - up to 64 characters, and nothing else', () => {
    for (const ok of ['gem_pack', 'Gem.Pack:100-x', 'a', 'x'.repeat(64)]) expect(isSignableItemId(ok)).toBe(true);
    for (const bad of ['', 'x'.repeat(65), 'gem pack', 'gem=1', 'gem&x', 'gem/2', 'гем', 'gem\n', 'gem%3D'])
      expect(isSignableItemId(bad)).toBe(false);
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (id) => {
        expect(isSignableItemId(id)).toBe(/^[A-Za-z0-9_.:-]{1,64}$/.test(id));
      }),
    );
  });

  it('the check finds the real payment folded into the _test body of the issue (so it can find one)', () => {
    const folded = { ...GET_ITEM, item: 'gemnotification_type=order_status_changeorder_id=5receiver_id=7status=chargeableuser_id=7zz=' };
    expect(couldBeRealPayment(canonicalString(folded))).toBe(true);
    expect(couldBeRealPayment(canonicalString(GET_ITEM))).toBe(false);
  });

  // Bodies of VK's fields, most values as VK sends them and some hostile: folded runs, `=`, `&`, `_test`
  // tails, real types. What the guard lets through must never read as a real payment.
  const hostile = fc.oneof(
    fc.constantFrom(
      '=',
      'status=chargeable',
      'notification_type=order_status_change',
      'order_status_changeorder_id=1zz=_test',
      'zz=_test',
      '&',
      '%3D',
      '_test',
      '',
    ),
    fc.constantFrom(...KINDS),
    fc.string({ unit: fc.constantFrom(...'notification_ypes=chrgbl&1'), maxLength: 40 }),
    fc.string({ maxLength: 48 }),
  );
  const digits = fc.bigInt({ min: 0n, max: 10n ** 19n }).map(String);
  const itemId = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABC0123456789_.:-'), minLength: 1, maxLength: 64 });
  const GOOD: Record<string, fc.Arbitrary<string>> = {
    app_id: digits,
    date: digits,
    item_discount: digits,
    item_price: digits,
    order_id: digits,
    receiver_id: digits,
    user_id: digits,
    subscription_id: digits,
    next_bill_time: digits,
    item: itemId,
    item_id: itemId,
    item_photo_url: fc.webUrl().filter((u) => !u.includes('=')),
    item_title: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }),
    lang: fc.constantFrom('ru_RU', 'en_US'),
    notification_type: fc.constantFrom(...KINDS).map((k) => `${k}_test`),
    status: fc.constantFrom('chargeable', 'refunded', 'active', 'cancelled'),
    cancel_reason: fc.constantFrom('user_decision', 'unknown'),
    pending_cancel: fc.constantFrom('0', '1'),
    version: fc.constantFrom('5.131', '5.132'),
  };
  // Now and then a name VK does not send, among them suffixes of `notification_type`.
  const names = fc
    .tuple(
      fc.subarray(Object.keys(GOOD), { minLength: 1 }),
      fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('zz', 'type', 'e', '_test') }),
    )
    .map(([known, other]) => (other === null ? known : [...known, other]));
  const body = names
    .chain((names) =>
      fc.tuple(
        ...names.map((n) =>
          fc.oneof({ weight: 6, arbitrary: GOOD[n] ?? hostile }, { weight: 1, arbitrary: hostile }).map((v) => [n, v] as const),
        ),
      ),
    )
    .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);

  it('for 10,000 random bodies, one the guard accepts never has the signed string of a real payment', () => {
    let accepted = 0;
    fc.assert(
      fc.property(body, (fields) => {
        if (unsignable(fields) !== null) return;
        accepted++;
        expect(couldBeRealPayment(canonicalString(fields))).toBe(false);
      }),
      { numRuns: 10_000 },
    );
    // The property is only worth something if bodies got through: most random ones are refused.
    expect(accepted).toBeGreaterThan(500);
  }, 60_000);

  it('for random bodies, any value with "=" is refused', () => {
    fc.assert(
      fc.property(body, (fields) => {
        if (Object.entries(fields).some(([k, v]) => k !== 'sig' && (v.includes('=') || k.includes('='))))
          expect(unsignable(fields)).not.toBeNull();
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('every signing on request goes through the guard', () => {
  const SRC = fileURLToPath(new URL('..', import.meta.url));
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
    );
  /** Who may compute a signature directly, and why. */
  const ALLOWED = new Map([
    ['notifications/signature.ts', 'the signature itself'],
    ['notifications/signable.ts', 'the guard'],
    ['index.ts', "re-exported for users' own code"],
    ['cli/simulate.ts', 'the CLI is given the key'],
    ['cli/sign.ts', 'the CLI is given the key'],
    ['devtools/explain-signature.ts', 'compares, and returns only the signature brought'],
  ]);

  it('no module but the guard, the CLI and the debugger calls signParams or computeSig', () => {
    const callers = files(SRC)
      .filter((f) => /\b(signParams|computeSig)\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f).split('\\').join('/'));
    expect(callers.filter((f) => !ALLOWED.has(f))).toEqual([]);
  });
});
