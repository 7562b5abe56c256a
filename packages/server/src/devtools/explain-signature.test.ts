import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SECRET } from '../../test/helpers.js';
import { signParams } from '../notifications/signature.js';
import { explainSignature } from './explain-signature.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const KEYS = { current: SECRET, previous: null, previousUntil: null };
const FIELDS = { app_id: '51234', item: 'gem pack/2', item_discount: '2', item_id: 'gem', notification_type: 'get_item', user_id: '7', version: '5.132' };
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
    ['a field left out', md5(pairs().filter((p) => !p.startsWith('version=')).join('') + SECRET), /"version" was left out/],
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
    const body = new URLSearchParams([...order.map((k) => [k, FIELDS[k as keyof typeof FIELDS]] as [string, string]), ['sig', sig]]).toString();
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
    expect(explainSignature(new URLSearchParams(signParams(FIELDS, SECRET)).toString(), rotated, NOW)).toMatchObject({ matches: true, signedWith: 'previous' });
  });

  it('points at the key itself when no common mistake reproduces the signature', () => {
    const r = explainSignature(new URLSearchParams(signParams(FIELDS, 'SomeOtherAppKey1')).toString(), KEYS, NOW);
    expect(r.mistakes).toEqual([expect.stringMatching(/no common mistake reproduces it: check that the key is this app's current one \(it ends in XyZw\)/)]);
  });

  it('says a missing sig or one that is not 32 hex digits', () => {
    expect(explainSignature(new URLSearchParams(FIELDS).toString(), KEYS, NOW).mistakes).toEqual([expect.stringMatching(/there is no sig field/)]);
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

describe('explainSignature never signs a real payment', () => {
  const PAYMENT = { app_id: '51234', notification_type: 'order_status_change', status: 'chargeable', item: 'gem', item_price: '10', order_id: '77', user_id: '7' };

  it('withholds the expected signature of a real notification that does not match, but still names the mistake', () => {
    const wrong = md5(Object.keys(PAYMENT).sort().map((k) => `${k}=${PAYMENT[k as keyof typeof PAYMENT]}`).join('&') + SECRET);
    const r = explainSignature(new URLSearchParams({ ...PAYMENT, sig: wrong }).toString(), KEYS, NOW);
    expect(r.expectedSignature).toBeNull();
    expect(r.mistakes.join(' ')).toMatch(/joined with "&"/);
  });

  it('shows it for the _test twin, which records only a test payment', () => {
    const r = explainSignature(new URLSearchParams({ ...PAYMENT, notification_type: 'order_status_change_test', sig: '0'.repeat(32) }).toString(), KEYS, NOW);
    expect(r.expectedSignature).toBe(signParams({ ...PAYMENT, notification_type: 'order_status_change_test' }, SECRET).sig);
  });
});
