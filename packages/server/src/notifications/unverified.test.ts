import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseForm } from './form.js';
import { unverifiedLogBudget, UNVERIFIED_WINDOW_MS } from './unverified-budget.js';
import { isTruncatedRequest, TRUNCATED_KEY, unreadableRequest, UNVERIFIED_LIMITS, unverifiedRequest } from './unverified.js';

const bounded = (body: string) => unverifiedRequest(parseForm(body).params, Buffer.byteLength(body));
/** What the row costs in the database's JSON column. */
const size = (request: unknown) => Buffer.byteLength(JSON.stringify(request));

describe('what the log keeps of an unverified request', () => {
  it("keeps a request shaped like VK's whole: names, values, sig, and no truncation mark", () => {
    const body =
      'app_id=1524456&item=gem_pack&lang=ru_RU&notification_type=get_item&order_id=123&user_id=501&version=5.132&sig=0123456789abcdef0123456789abcdef';
    const request = bounded(body);
    expect(request).toEqual(Object.fromEntries(new URLSearchParams(body)));
    expect(isTruncatedRequest(request)).toBe(false);
  });

  it("keeps VK's largest kind of request, an order_status_change with a photo URL and a Cyrillic title, whole", () => {
    const body =
      'app_id=12345678&date=1656358147&item=sale_item_1&item_discount=3&item_id=sale_item_1_internal_id&item_photo_url=http%3A%2F%2Fmy-app.example.com%2Fsale-item-images%2Fsale-item-1.png&item_price=24&item_title=%D0%A7%D1%83%D0%B4%D0%BE-%D0%B7%D0%B4%D0%B0%D0%BD%D0%B8%D0%B5&lang=ru_RU&notification_type=order_status_change_test&order_id=2044861&receiver_id=1&status=chargeable&subscription_id=77&user_id=1&version=5.132&sig=0123456789abcdef0123456789abcdef';
    const request = bounded(body);
    expect(request).toEqual(Object.fromEntries(new URLSearchParams(body)));
    expect(isTruncatedRequest(request)).toBe(false);
  });

  it('cuts a 60 KB value to 64 characters, says how long it was, and notes the body size', () => {
    const body = `app_id=1&item=${'x'.repeat(60_000)}&sig=bad`;
    const request = bounded(body);
    expect(request.item).toBe(`${'x'.repeat(64)}… (60000 characters)`);
    expect(request).toMatchObject({ app_id: '1', sig: 'bad', [TRUNCATED_KEY]: { bodyBytes: body.length, fields: 3, omittedFields: 0 } });
    expect(isTruncatedRequest(request)).toBe(true);
    expect(size(request)).toBeLessThan(1024);
  });

  it(`keeps at most ${UNVERIFIED_LIMITS.fields} fields and counts the rest`, () => {
    const body = Array.from({ length: 5000 }, (_, i) => `f${i}=${i}`).join('&');
    const request = bounded(body);
    expect(Object.keys(request)).toHaveLength(UNVERIFIED_LIMITS.fields + 1);
    expect(request[TRUNCATED_KEY]).toMatchObject({ fields: 5000, omittedFields: 5000 - UNVERIFIED_LIMITS.fields });
  });

  it('cuts long field names and a field repeated thousands of times', () => {
    const request = bounded(`${'n'.repeat(9000)}=1&${'a=1&'.repeat(10_000)}`);
    expect(Object.keys(request)).toContain(`${'n'.repeat(64)}… (9000 characters)`);
    expect((request.a as string[]).length).toBeLessThan(UNVERIFIED_LIMITS.fields);
    expect(size(request)).toBeLessThanOrEqual(UNVERIFIED_LIMITS.bytes);
  });

  it('never splits a surrogate pair when it cuts', () => {
    const request = bounded(`item=${encodeURIComponent('a' + '😀'.repeat(100))}`);
    expect(request.item).toMatch(/^a(😀){31}… \(201 characters\)$/);
  });

  it('a field named like the mark is not kept, so the mark is always ours; a text field of that name marks nothing', () => {
    const request = bounded(`_truncated=no&item=gem`);
    expect(request).toMatchObject({ item: 'gem', [TRUNCATED_KEY]: { fields: 2, omittedFields: 1 } });
    expect(isTruncatedRequest(request)).toBe(true);
    // A verified request is logged whole, and a form value is text: it cannot pass for the mark.
    expect(isTruncatedRequest({ _truncated: 'yes', app_id: '1' })).toBe(false);
  });

  it(`never stores more than ${UNVERIFIED_LIMITS.bytes} bytes, whatever the body: short, long, escaped, multi-byte or repeated fields`, () => {
    const text = (maxLength: number) =>
      fc.oneof(
        fc.string({ maxLength }),
        fc.string({ unit: 'binary', maxLength }),
        fc.string({ unit: fc.constantFrom('\u0000', '"', '\\', 'я', '😀', '\uFFFD'), maxLength }),
      );
    // Short pieces (many small fields, where the per-field overhead adds up) and long ones (cut values).
    const piece = fc.oneof(text(4), text(70), text(300));
    const name = fc.oneof(piece, fc.constantFrom('a', 'sig', TRUNCATED_KEY));
    fc.assert(
      fc.property(fc.array(fc.tuple(name, piece), { maxLength: 300 }), (pairs) => {
        const body = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        expect(size(bounded(body))).toBeLessThanOrEqual(UNVERIFIED_LIMITS.bytes);
      }),
      { numRuns: 500 },
    );
  });

  it(`a body made to cost the most (every character escaped, every count at its largest) stays within ${UNVERIFIED_LIMITS.bytes} bytes`, () => {
    const worst = Array.from(
      { length: 5000 },
      (_, i) => `${encodeURIComponent('\u0000'.repeat(64) + i)}=${encodeURIComponent('\u0000'.repeat(100))}`,
    ).join('&');
    const request = bounded(worst);
    expect(size(request)).toBeLessThanOrEqual(UNVERIFIED_LIMITS.bytes);
    expect(request[TRUNCATED_KEY]).toMatchObject({ fields: 5000 });
    const repeated = bounded(`a=${'a=1&'.repeat(15_000)}`);
    expect(size(repeated)).toBeLessThanOrEqual(UNVERIFIED_LIMITS.bytes);
  });

  it('records an unreadable body by the size it claimed, never the header as sent', () => {
    expect(unreadableRequest('body could not be read', '70000')).toEqual({ _unreadable: 'body could not be read', contentLength: 70000 });
    expect(unreadableRequest('body could not be read', 'x'.repeat(5000))).toEqual({
      _unreadable: 'body could not be read',
      contentLength: null,
    });
  });
});

describe('the per-minute budget of unverified log rows', () => {
  it('logs the first N of an app in a minute, then none until the next minute', () => {
    let now = 0;
    const budget = unverifiedLogBudget({ perApp: 3, total: 0 }, () => now);
    expect([1, 2, 3, 4, 5].map(() => budget.take(7))).toEqual([
      { logged: true, firstOver: false },
      { logged: true, firstOver: false },
      { logged: true, firstOver: false },
      { logged: false, firstOver: true, limit: 'app' },
      { logged: false, firstOver: false, limit: 'app' },
    ]);
    expect(budget.take(8).logged).toBe(true); // another app has its own budget
    now = UNVERIFIED_WINDOW_MS;
    expect(budget.take(7).logged).toBe(true);
  });

  it("an app's minute starts with its first request: a flood that starts late in another's minute still gets exactly the budget", () => {
    let now = 0;
    const budget = unverifiedLogBudget({ perApp: 2, total: 0 }, () => now);
    budget.take(1);
    now = 59_000;
    const early = [1, 2, 3].map(() => budget.take(2).logged);
    now = 61_000; // app 1's minute has ended, app 2's has not
    expect([...early, budget.take(2).logged, budget.take(1).logged]).toEqual([true, true, false, false, true]);
  });

  it('requests that name no app of ours share one budget', () => {
    const budget = unverifiedLogBudget({ perApp: 2, total: 0 }, () => 0);
    expect([null, null, null].map((id) => budget.take(id).logged)).toEqual([true, true, false]);
  });

  it('0 means no budget: everything is logged', () => {
    const budget = unverifiedLogBudget({ perApp: 0, total: 0 }, () => 0);
    expect(Array.from({ length: 100 }, () => budget.take(null).logged).every(Boolean)).toBe(true);
  });

  it('many apps together log at most the instance budget in a minute, however many apps share the flood', () => {
    let now = 0;
    const budget = unverifiedLogBudget({ perApp: 3, total: 10 }, () => now);
    const takes = Array.from({ length: 20 }, (_, app) => [1, 2, 3, 4].map(() => budget.take(app))).flat();
    expect(takes.filter((t) => t.logged)).toHaveLength(10);
    // One line for the instance, and one per app that went over its own budget before the instance's ran out.
    expect(takes.filter((t) => t.firstOver && t.limit === 'instance')).toHaveLength(1);
    now = UNVERIFIED_WINDOW_MS;
    expect(budget.take(19).logged).toBe(true);
  });

  it("one app's flood spends only its own share of the instance budget", () => {
    const budget = unverifiedLogBudget({ perApp: 3, total: 5 }, () => 0);
    for (let i = 0; i < 100; i++) budget.take(1);
    expect([2, 2, 2].map((app) => budget.take(app).logged)).toEqual([true, true, false]);
  });

  it('the instance budget holds alone when apps have none', () => {
    const budget = unverifiedLogBudget({ perApp: 0, total: 4 }, () => 0);
    expect(Array.from({ length: 10 }, (_, i) => budget.take(i % 2 ? null : i).logged).filter(Boolean)).toHaveLength(4);
  });
});

describe('reading a form', () => {
  it('reads a 64 KB body of one repeated name in well under a second, naming the problem once', () => {
    const started = performance.now();
    const form = parseForm('a=&'.repeat(21_000));
    expect(performance.now() - started).toBeLessThan(500);
    expect(form).toMatchObject({ ok: false, reason: 'field a is repeated' });
  });

  it('names a few problems and counts the rest, never the whole body again', () => {
    const form = parseForm(Array.from({ length: 6000 }, (_, i) => `a[${i}]=`).join('&'));
    expect(form.ok).toBe(false);
    expect(!form.ok && form.reason).toBe(
      'field name a[0] has brackets; field name a[1] has brackets; field name a[2] has brackets; and 5997 more',
    );
  });
});
