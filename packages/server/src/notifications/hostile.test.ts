/**
 * Hostile input, generated: at least 10,000 bodies — random fields, encodings, repeats, huge values,
 * wrong types, valid signatures over nonsense — through the whole core (parse → verify → dispatch)
 * over the real store. Every answer must be valid VK JSON, nothing may throw, and nothing may be stored
 * for a request whose signature did not verify.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKey, NO_WAIT, migratedOrm, SECRET } from '../../test/helpers.js';
import { App } from '../apps/app.entity.js';
import { CatalogItem } from '../catalog/catalog-item.entity.js';
import { SubscriptionPlan } from '../catalog/subscription-plan.entity.js';
import type { Orm } from '../db/orm.js';
import { Subscription } from '../subscriptions/subscription.entity.js';
import { Transaction } from '../orders/transaction.entity.js';
import { handleNotification } from './handle.js';
import { signParams } from './signature.js';
import { judgeAnswer } from './verdict.js';

const APP = 1524456;
const TYPES = ['get_item', 'order_status_change', 'get_subscription', 'subscription_status_change'].flatMap((t) => [t, `${t}_test`]);
const FIELDS = [
  'app_id',
  'user_id',
  'receiver_id',
  'order_id',
  'item',
  'item_id',
  'item_price',
  'item_discount',
  'item_title',
  'status',
  'date',
  'lang',
  'version',
  'notification_type',
  'subscription_id',
  'next_bill_time',
  'cancel_reason',
  'pending_cancel',
  'sig',
];

/** Values that break naive handlers: huge numbers, negative, floats, unicode, encodings, empties. */
const nastyValue = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1.5',
    '1e9',
    '99999999999999999999999',
    'NaN',
    'null',
    '[]',
    '{}',
    '%',
    '%zz',
    '+',
    '\u0000',
    'ru_RU',
    'chargeable',
    'refunded',
    'gem_pack',
    'vip',
    '5.132',
  ),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.integer().map(String),
  fc.string({ minLength: 3000, maxLength: 5000 }),
);

const fieldName = fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 12 }), fc.constantFrom('a[]', 'a[b]', 'sig[]'));

/** A body: random pairs, sometimes a raw string, sometimes with repeated names. */
const rawBody = fc.oneof(
  fc
    .array(fc.tuple(fieldName, nastyValue), { maxLength: 14 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

/** Correctly signed by the app's secret but with nonsense inside: it gets past the signature. */
const signedNonsense = fc
  .record({
    notification_type: fc.oneof(fc.constantFrom(...TYPES), fc.string({ maxLength: 30 })),
    extra: fc.dictionary(fc.constantFrom(...FIELDS.filter((f) => f !== 'sig' && f !== 'app_id' && f !== 'notification_type')), nastyValue, {
      maxKeys: 12,
    }),
  })
  .map(({ notification_type, extra }) =>
    new URLSearchParams(signParams({ ...extra, app_id: String(APP), notification_type }, SECRET)).toString(),
  );

describe('hostile bodies through the core', () => {
  let db: Awaited<ReturnType<typeof migratedOrm>>;
  let orm: Orm;

  beforeAll(async () => {
    db = await migratedOrm('sqlite');
    orm = db.orm;
    const em = orm.em.fork();
    const app = em.create(App, { vkAppId: APP, name: 'Fuzz', ...appKey(APP) });
    em.create(CatalogItem, { app, itemId: 'gem_pack', title: 'Gem pack', price: 24 });
    em.create(SubscriptionPlan, { app, itemId: 'vip', title: 'VIP', price: 30, period: 30 });
    await em.flush();
  });
  afterAll(() => db?.close());

  const counts = async () => {
    const em = orm.em.fork();
    return [await em.count(Transaction, {}), await em.count(Subscription, {})];
  };

  async function expectValidAnswer(body: string): Promise<{ verified: boolean }> {
    const handled = await handleNotification(body, { store: db.store(), fulfilment: NO_WAIT });
    expect(handled.fault, String(handled.fault)).toBeUndefined();
    const fields = Object.fromEntries(new URLSearchParams(body));
    const verdict = judgeAnswer(fields, handled.body);
    // Never a malformed answer; a success only for a verified request.
    expect(verdict.kind === 'invalid' ? verdict.problems : []).toEqual([]);
    if (!handled.log.signatureValid) expect(verdict.kind).toBe('error');
    return { verified: handled.log.signatureValid === true };
  }

  it('answers 8,000 random bodies with valid VK JSON, stores nothing for them, and never throws', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(rawBody, async (body) => {
        const { verified } = await expectValidAnswer(body);
        expect(verified).toBe(false);
      }),
      { numRuns: 8_000 },
    );
    expect(await counts()).toEqual(before);
  }, 120_000);

  it('answers 3,000 correctly signed bodies full of nonsense with valid VK JSON and never a temporary error', async () => {
    await fc.assert(
      fc.asyncProperty(signedNonsense, async (body) => {
        const handled = await handleNotification(body, { store: db.store(), fulfilment: NO_WAIT });
        expect(handled.fault, String(handled.fault)).toBeUndefined();
        expect(judgeAnswer(Object.fromEntries(new URLSearchParams(body)), handled.body).kind).not.toBe('invalid');
        // Error 2 tells VK to retry: only a real storage fault may answer it, never bad input.
        expect(handled.log.errorCode).not.toBe(2);
      }),
      { numRuns: 3_000 },
    );
  }, 120_000);
});
