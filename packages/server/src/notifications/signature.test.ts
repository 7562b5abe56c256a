import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalString, computeSig, signParams, verifySig } from './signature.js';

// The worked examples of docs/protocol.md §2, verbatim.
const SECRET = 'AbCdEf0123456789XyZw';
const GET_ITEM_BODY =
  'app_id=1524456&item=sale_item_1&lang=ru_RU&notification_type=get_item_test&order_id=2044594&receiver_id=1&user_id=1&version=5.132';
const ORDER_BODY =
  'app_id=12345678&date=1656358147&item=sale_item_1&item_discount=3&item_id=sale_item_1_internal_id' +
  '&item_photo_url=http%3A%2F%2Fmy-app.example.com%2Fsale-item-images%2Fsale-item-1.png&item_price=24' +
  '&item_title=%D0%A7%D1%83%D0%B4%D0%BE-%D0%B7%D0%B4%D0%B0%D0%BD%D0%B8%D0%B5' +
  '&notification_type=order_status_change_test&order_id=2044861&receiver_id=1&status=chargeable&user_id=1&version=5.132';

/** Decoded params, as a form parser yields them. */
const form = (body: string): Record<string, string> => Object.fromEntries(new URLSearchParams(body));
/** The params as they stand in the body, still percent-encoded: the classic mistake. */
const undecoded = (body: string): Record<string, string> =>
  Object.fromEntries(body.split('&').map((pair) => pair.split('=') as [string, string]));
const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

/** A correctly signed copy of the documented order, with `change` applied after signing. */
const signedOrder = (change: (p: Record<string, string>) => void = () => {}): Record<string, string> => {
  const params = { ...signParams(form(ORDER_BODY), SECRET) };
  change(params);
  return params;
};

describe('docs/protocol.md §2 worked examples', () => {
  it('get_item_test example hashes the documented string to the documented sig', () => {
    const params = form(GET_ITEM_BODY);
    expect(canonicalString(params)).toBe(
      'app_id=1524456item=sale_item_1lang=ru_RUnotification_type=get_item_testorder_id=2044594receiver_id=1user_id=1version=5.132',
    );
    expect(computeSig(params, SECRET)).toBe('8b142b64208adc12a322cad9d5a9c972');
    expect(verifySig({ ...params, sig: '8b142b64208adc12a322cad9d5a9c972' }, SECRET)).toBe(true);
  });

  it('order_status_change_test example with encoded Cyrillic and URL gives the documented sig', () => {
    const params = form(ORDER_BODY);
    expect(params.item_title).toBe('Чудо-здание');
    expect(computeSig(params, SECRET)).toBe('05965a1ac19a92fab73e345c7b32bd77');
    expect(verifySig({ ...params, sig: '05965a1ac19a92fab73e345c7b32bd77' }, SECRET)).toBe(true);
  });

  it('hashing the still-encoded values gives the documented wrong sig, which does not verify', () => {
    const wrong = computeSig(undecoded(ORDER_BODY), SECRET);
    expect(wrong).toBe('520367dff5101c52f9f963256c2729e9');
    expect(verifySig({ ...form(ORDER_BODY), sig: wrong }, SECRET)).toBe(false);
  });
});

describe('verifySig refuses', () => {
  it('a signature made with another secret', () => {
    expect(verifySig(signParams(form(ORDER_BODY), 'AbCdEf0123456789XyZx'), SECRET)).toBe(false);
  });

  it('a changed value', () => {
    expect(
      verifySig(
        signedOrder((p) => (p.item_price = '1')),
        SECRET,
      ),
    ).toBe(false);
  });

  it('an added field, because future fields are signed too', () => {
    expect(
      verifySig(
        signedOrder((p) => (p.item_currency_amount = '24')),
        SECRET,
      ),
    ).toBe(false);
  });

  it('a removed field', () => {
    expect(
      verifySig(
        signedOrder((p) => delete p.version),
        SECRET,
      ),
    ).toBe(false);
  });

  it('a missing sig', () => {
    expect(
      verifySig(
        signedOrder((p) => delete p.sig),
        SECRET,
      ),
    ).toBe(false);
  });

  it.each([
    ['too short', '05965a1ac19a92fab73e345c7b32bd7'],
    ['too long', '05965a1ac19a92fab73e345c7b32bd777'],
    ['not hex', '05965a1ac19a92fab73e345c7b32bdzz'],
    ['empty', ''],
    ['padded with spaces', ' 05965a1ac19a92fab73e345c7b32bd77 '],
  ])('a malformed sig (%s) without throwing', (_what, sig) => {
    expect(() => verifySig({ ...form(ORDER_BODY), sig }, SECRET)).not.toThrow();
    expect(verifySig({ ...form(ORDER_BODY), sig }, SECRET)).toBe(false);
  });
});

describe('verifySig accepts', () => {
  it('upper-case hex', () => {
    expect(verifySig({ ...form(ORDER_BODY), sig: '05965A1AC19A92FAB73E345C7B32BD77' }, SECRET)).toBe(true);
  });

  it('what signParams produced (round trip)', () => {
    const params = signParams({ app_id: '7', user_id: '1', notification_type: 'get_item', item: 'x y' }, SECRET);
    expect(params.sig).toMatch(/^[0-9a-f]{32}$/);
    expect(verifySig(params, SECRET)).toBe(true);
  });
});

describe('canonical string', () => {
  it('decodes + to a space before hashing', () => {
    const params = form('app_id=1&item_title=Big+sword&sig=0');
    expect(params.item_title).toBe('Big sword');
    expect(canonicalString(params)).toBe('app_id=1item_title=Big sword');
    expect(computeSig(params, SECRET)).toBe(md5(`app_id=1item_title=Big sword${SECRET}`));
  });

  it('sorts names in code-unit order: item < item_discount < item_id', () => {
    // `Z` (U+005A) sorts before `i`: localeCompare would put it last.
    expect(canonicalString({ item_id: 'c', item: 'a', item_discount: 'b', Z: 'upper' })).toBe('Z=upperitem=aitem_discount=bitem_id=c');
  });

  it('writes an empty value as name=', () => {
    expect(canonicalString({ b: '', a: '1' })).toBe('a=1b=');
  });

  it('excludes sig', () => {
    expect(canonicalString({ a: '1', sig: 'deadbeef', z: '2' })).toBe('a=1z=2');
  });

  it('signParams replaces a stale sig instead of signing it', () => {
    const params = signParams({ a: '1', sig: 'stale' }, SECRET);
    expect(params.sig).toBe(md5(`a=1${SECRET}`));
  });
});
