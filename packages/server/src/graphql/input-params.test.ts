import type { InputErrorParams } from '@vk-payments/shared';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createAppInput } from '../settings/app-admin.service.js';
import { catalogItemInput, subscriptionPlanInput } from '../catalog/catalog.service.js';
import { moderationRequestInput } from '../moderation/moderation.service.js';
import { paymentSettingsInput, rotateSecretInput } from '../settings/settings.service.js';
import { paymentStatsArgs } from '../stats/stats.service.js';
import { parseInput } from './errors.js';

/** The field and params of the BAD_USER_INPUT `input` gets, as a GraphQL answer carries them. */
function refusal(schema: z.ZodType, input: unknown): { field: unknown; params: InputErrorParams } {
  try {
    parseInput(schema, input);
  } catch (err) {
    const { field, params } = (err as { extensions: { field?: unknown; params: InputErrorParams } }).extensions;
    return { field, params };
  }
  throw new Error('accepted');
}

const item = { itemId: 'gem_pack', title: 'Gems', price: 10 };
const texts = { platforms: ['WEB'], appDescription: 'a'.repeat(20), paidFeatures: 'b'.repeat(20) };

describe('validation errors name the field and say why with numbers, for clients to word in their language', () => {
  it.each<[string, z.ZodType, unknown, string, InputErrorParams]>([
    [
      'a notification URL over 2048 characters',
      paymentSettingsInput,
      { notificationUrl: `https://a.example/${'a'.repeat(2048)}` },
      'notificationUrl',
      { reason: 'tooLong', max: 2048 },
    ],
    [
      'an API version VK does not have',
      paymentSettingsInput,
      { apiVersion: '5.1' },
      'apiVersion',
      { reason: 'notOneOf', values: ['5.131', '5.132'] },
    ],
    ['a secret key with a space', rotateSecretInput, { secretKey: 'abc defgh' }, 'secretKey', { reason: 'spaces' }],
    [
      'an overlap of over a week',
      rotateSecretInput,
      { secretKey: 'abcdefgh', overlapHours: 169 },
      'overlapHours',
      { reason: 'tooLarge', max: 168 },
    ],
    ['a fractional overlap', rotateSecretInput, { secretKey: 'abcdefgh', overlapHours: 1.5 }, 'overlapHours', { reason: 'notInteger' }],
    ['an app id of 0', createAppInput, { vkAppId: 0, name: 'x', secretKey: 'abcdefgh' }, 'vkAppId', { reason: 'tooSmall', min: 1 }],
    [
      'a registration date in the future',
      createAppInput,
      { vkAppId: 1, name: 'x', secretKey: 'abcdefgh', vkRegisteredAt: new Date(Date.now() + 86_400_000) },
      'vkRegisteredAt',
      { reason: 'inFuture' },
    ],
    ['an item title over 48 characters', catalogItemInput, { ...item, title: 'x'.repeat(49) }, 'title', { reason: 'tooLong', max: 48 }],
    ['an empty item id', catalogItemInput, { ...item, itemId: ' ' }, 'itemId', { reason: 'required' }],
    ['a discount not below the price', catalogItemInput, { ...item, discount: 10 }, 'discount', { reason: 'notLessThan', than: 'price' }],
    [
      'an expiration VK does not take',
      catalogItemInput,
      { ...item, expiration: 5 },
      'expiration',
      { reason: 'outOfRange', min: 600, max: 604_800 },
    ],
    [
      'a plan period VK does not have',
      subscriptionPlanInput,
      { ...item, period: 5 },
      'period',
      { reason: 'notOneOf', values: ['3', '7', '30'] },
    ],
    ['no platform', moderationRequestInput, { ...texts, platforms: [] }, 'platforms', { reason: 'tooFew', min: 1 }],
    [
      'an unknown platform',
      moderationRequestInput,
      { ...texts, platforms: ['TV'] },
      'platforms.0',
      { reason: 'notOneOf', values: ['IOS', 'ANDROID', 'WEB', 'MOBILE_WEB'] },
    ],
    [
      'a description under 10 characters',
      moderationRequestInput,
      { ...texts, appDescription: 'short' },
      'appDescription',
      { reason: 'tooShort', min: 10 },
    ],
    [
      'paid features over 2000 characters',
      moderationRequestInput,
      { ...texts, paidFeatures: 'p'.repeat(2001) },
      'paidFeatures',
      { reason: 'tooLong', max: 2000 },
    ],
    [
      'a stats range ending before it starts',
      paymentStatsArgs,
      { from: new Date(2), to: new Date(1), timeZone: 'UTC' },
      'to',
      { reason: 'notAfterFrom' },
    ],
    [
      'an unknown time zone',
      paymentStatsArgs,
      { from: new Date(1), to: new Date(2), timeZone: 'Mars/Olympus' },
      'timeZone',
      { reason: 'invalidFormat', format: 'timeZone' },
    ],
  ])('%s', (_what, schema, input, field, params) => {
    expect(refusal(schema, input)).toEqual({ field, params });
  });
});

describe("a refinement's params reach the client only through their documented keys", () => {
  it('drops a submitted value a refinement put into its params, keeping the reason and its numbers', async () => {
    const { z } = await import('zod');
    const leaky = z.object({
      secretKey: z.string().refine(() => false, { params: { reason: 'tooShort', min: 8, submitted: 'hunter2-secret', rule: 42 } }),
    });
    const { field, params } = refusal(leaky, { secretKey: 'hunter2-secret' });
    expect(field).toBe('secretKey');
    expect(params).toEqual({ reason: 'tooShort', min: 8 });
    expect(JSON.stringify(params)).not.toContain('hunter2');
  });
});
