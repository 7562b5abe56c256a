/**
 * Every domain refuses bad input the same way over GraphQL: BAD_USER_INPUT with `extensions.field`
 * (the argument or input field, as the API names it) and `extensions.params` (the reason and its
 * numbers), so a client can say it in its own language without reading the English message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, startTestServer, type TestServer } from './helpers.js';

const APP = 61_001;
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  const created = await t.gql(`mutation { createApp(input: {vkAppId: ${APP}, name: "Errors", secretKey: "${SECRET}"}) { vkAppId } }`);
  expect(created.errors).toBeUndefined();
});
afterAll(() => t.close());

describe('validation errors name the field and the reason in every domain', () => {
  it.each([
    [
      'apps: an app id of 0',
      `mutation { createApp(input: {vkAppId: 0, name: "x", secretKey: "${SECRET}"}) { vkAppId } }`,
      'vkAppId',
      { reason: 'tooSmall', min: 1 },
    ],
    [
      'settings: a URL over 2048 characters',
      `mutation { updatePaymentSettings(vkAppId: ${APP}, input: {notificationUrl: "https://a.example/${'a'.repeat(2048)}"}) { vkAppId } }`,
      'notificationUrl',
      { reason: 'tooLong', max: 2048 },
    ],
    [
      'settings: the secret key pasted again',
      `mutation { rotateAppSecret(vkAppId: ${APP}, secretKey: "${SECRET}") { vkAppId } }`,
      'secretKey',
      { reason: 'unchanged' },
    ],
    [
      'testers: a user id of 0',
      `mutation { addPaymentTester(vkAppId: ${APP}, vkUserId: 0) { vkUserId } }`,
      'vkUserId',
      { reason: 'tooSmall', min: 1 },
    ],
    [
      "catalog: a title over VK's 48 characters",
      `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem", title: "${'t'.repeat(49)}", price: 5}) { itemId } }`,
      'title',
      { reason: 'tooLong', max: 48 },
    ],
    [
      'plans: a period VK does not have',
      `mutation { upsertSubscriptionPlan(vkAppId: ${APP}, input: {itemId: "vip", title: "VIP", price: 5, period: 5}) { itemId } }`,
      'period',
      { reason: 'notOneOf', values: ['3', '7', '30'] },
    ],
    [
      'tokens: a widget session of a year',
      `mutation { createWidgetSession(vkAppId: ${APP}, role: ADMIN, ttlSeconds: 31536000) { token } }`,
      'ttlSeconds',
      { reason: 'outOfRange', min: 60, max: 86_400 },
    ],
    [
      'tokens: a MODERATOR key for one app',
      `mutation { createApiKey(label: "m", role: MODERATOR, vkAppId: ${APP}) { token } }`,
      'role',
      { reason: 'notAllowed', rule: 'moderatorWithApp' },
    ],
    [
      'fulfilment: an endpoint that is not a URL',
      `mutation { setFulfilmentEndpoint(vkAppId: ${APP}, input: {url: "game backend"}) { signingSecret } }`,
      'url',
      { reason: 'invalidUrl' },
    ],
    [
      'moderation: a description under 10 characters',
      `mutation { submitModerationRequest(vkAppId: ${APP}, input: {platforms: [WEB], appDescription: "short", paidFeatures: "${'p'.repeat(20)}"}) { id } }`,
      'appDescription',
      { reason: 'tooShort', min: 10 },
    ],
    [
      'lists: a page of 0',
      `{ auditEvents(vkAppId: ${APP}, first: 0) { totalCount } }`,
      'first',
      { reason: 'outOfRange', min: 1, max: 100 },
    ],
    ['records: an id that is not one', `mutation { revokeApiKey(id: "abc") { id } }`, 'id', { reason: 'invalidFormat', format: 'id' }],
  ])('%s', async (_what, query, field, params) => {
    const { errors } = await t.gql(query);
    expect(errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field, params });
  });
});
