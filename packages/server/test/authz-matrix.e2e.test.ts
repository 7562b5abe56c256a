/**
 * Every GraphQL operation × every kind of token, over real HTTP (and WebSocket for the subscription):
 * allowed, FORBIDDEN, or UNAUTHENTICATED exactly as ARCHITECTURE.md §5 says. The expectations are written out
 * here by hand, not derived from the server's permission table, so a wrong table fails this test; and
 * an operation added to the schema without a row here fails it too.
 *
 * "Allowed" means the answer carries no FORBIDDEN/UNAUTHENTICATED error: an allowed call may still be
 * refused for the state it meets (CONFLICT, NOT_FOUND…), since calls run one after another on shared data.
 * On an operation named by a record id, a caller past the role check but not of the record's app gets
 * NOT_FOUND instead of FORBIDDEN: the answer for an id that does not exist, so ids cannot be probed
 * (record-probing.e2e.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIALECT, pendingDelivery, SECRET, signed, startTestServer, wsClient, type GqlResult, type TestServer } from './helpers.js';
import { causeUntilHeard } from './live-events.js';

const A = 81001; // the app every call is aimed at
const B = 81002; // another app, whose creator must never reach A

type Who = 'root' | 'CREATOR' | 'ADMIN' | 'PAYMENTS_ADMIN' | 'VIEWER' | 'SESSION' | 'MODERATOR' | 'OTHER_APP_CREATOR' | 'NOBODY';
const EVERYONE: Who[] = ['root', 'CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'VIEWER', 'SESSION', 'MODERATOR', 'OTHER_APP_CREATOR', 'NOBODY'];

/** Role groups of ARCHITECTURE.md §5, for app A. SESSION is a PAYMENTS_ADMIN widget session of app A. */
const PAYMENTS: Who[] = ['root', 'CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'SESSION'];
const CREATOR_ADMIN: Who[] = ['root', 'CREATOR', 'ADMIN'];
const MODERATION_READERS: Who[] = [...PAYMENTS, 'MODERATOR'];
const MODERATORS: Who[] = ['root', 'MODERATOR'];

/** What each call needs that another call made first (ids of throwaway records). */
interface Fixtures {
  logId: string;
  deliveryId: string;
  requestId: string;
  throwawayKeyId(): Promise<string>;
  throwawaySessionId(): Promise<string>;
}

interface Operation {
  allowed: Who[];
  /** A subscription: what makes it hear an event (default: a notification, for the live log). */
  cause?: () => Promise<unknown>;
  /** Named by a record id of app A: these callers, past the role check but not of app A, are told "not found". */
  notFoundFor?: Who[];
  document(f: Fixtures): Promise<string> | string;
}

let secretCounter = 0;

const OPERATIONS: Record<string, Operation> = {
  // Apps
  apps: {
    allowed: ['root', 'CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'SESSION', 'MODERATOR', 'OTHER_APP_CREATOR'],
    document: () => '{ apps { vkAppId } }',
  },
  app: { allowed: [...PAYMENTS, 'MODERATOR'], document: () => `{ app(vkAppId: ${A}) { name settings { secretKeyHint miniAppOrigins } } }` },
  createApp: {
    allowed: ['root'],
    document: () => `mutation { createApp(input: {vkAppId: ${90000 + secretCounter++}, name: "n", secretKey: "${SECRET}"}) { vkAppId } }`,
  },
  updateApp: { allowed: CREATOR_ADMIN, document: () => `mutation { updateApp(vkAppId: ${A}, input: {name: "Renamed"}) { name } }` },
  me: { allowed: EVERYONE.filter((w) => w !== 'NOBODY'), document: () => '{ me { kind } }' },
  // Access
  apiKeys: { allowed: CREATOR_ADMIN, document: () => `{ apiKeys(vkAppId: ${A}) { id } }` },
  createApiKey: {
    allowed: CREATOR_ADMIN,
    document: () => `mutation { createApiKey(vkAppId: ${A}, role: PAYMENTS_ADMIN, label: "matrix") { token } }`,
  },
  revokeApiKey: {
    notFoundFor: ['OTHER_APP_CREATOR'],
    allowed: CREATOR_ADMIN,
    document: async (f) => `mutation { revokeApiKey(id: "${await f.throwawayKeyId()}") { id } }`,
  },
  createWidgetSession: {
    // Minted with an API key (not a session), for a role no higher than the key's: a moderator key may not mint PAYMENTS_ADMIN.
    allowed: ['root', 'CREATOR', 'ADMIN', 'PAYMENTS_ADMIN'],
    document: () => `mutation { createWidgetSession(vkAppId: ${A}, role: PAYMENTS_ADMIN) { token } }`,
  },
  revokeWidgetSession: {
    notFoundFor: ['OTHER_APP_CREATOR', 'MODERATOR'],
    allowed: CREATOR_ADMIN,
    document: async (f) => `mutation { revokeWidgetSession(id: "${await f.throwawaySessionId()}") }`,
  },
  auditEvents: { allowed: PAYMENTS, document: () => `{ auditEvents(vkAppId: ${A}) { totalCount } }` },
  // Settings and testers
  updatePaymentSettings: {
    allowed: PAYMENTS,
    document: () =>
      // With the mini app's origins (the mini app API's CORS): the same Payments right as the rest of the settings.
      `mutation { updatePaymentSettings(vkAppId: ${A}, input: {notificationUrl: "https://game.example.com/vk", miniAppOrigins: ["https://game.example.com"]}) { settings { miniAppOrigins } } }`,
  },
  rotateAppSecret: {
    allowed: CREATOR_ADMIN,
    document: () =>
      `mutation { rotateAppSecret(vkAppId: ${A}, secretKey: "Rotated${secretCounter++}Secret0123", overlapHours: 1) { vkAppId } }`,
  },
  checkNotificationUrl: { allowed: PAYMENTS, document: () => `mutation { checkNotificationUrl(vkAppId: ${A}) { verdict } }` },
  paymentTesters: { allowed: PAYMENTS, document: () => `{ paymentTesters(vkAppId: ${A}) { vkUserId } }` },
  addPaymentTester: { allowed: PAYMENTS, document: () => `mutation { addPaymentTester(vkAppId: ${A}, vkUserId: 77) { vkUserId } }` },
  removePaymentTester: { allowed: PAYMENTS, document: () => `mutation { removePaymentTester(vkAppId: ${A}, vkUserId: 78) }` },
  // Catalog
  catalogItems: { allowed: PAYMENTS, document: () => `{ catalogItems(vkAppId: ${A}) { itemId } }` },
  upsertCatalogItem: {
    allowed: PAYMENTS,
    document: () => `mutation { upsertCatalogItem(vkAppId: ${A}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`,
  },
  deleteCatalogItem: { allowed: PAYMENTS, document: () => `mutation { deleteCatalogItem(vkAppId: ${A}, itemId: "nothing_here") }` },
  subscriptionPlans: { allowed: PAYMENTS, document: () => `{ subscriptionPlans(vkAppId: ${A}) { itemId } }` },
  upsertSubscriptionPlan: {
    allowed: PAYMENTS,
    document: () =>
      `mutation { upsertSubscriptionPlan(vkAppId: ${A}, input: {itemId: "vip", title: "VIP", price: 30, period: 30}) { itemId } }`,
  },
  // Money and logs
  transactions: { allowed: PAYMENTS, document: () => `{ transactions(vkAppId: ${A}) { totalCount summary { votes } } }` },
  subscriptions: { allowed: PAYMENTS, document: () => `{ subscriptions(vkAppId: ${A}) { totalCount } }` },
  paymentStats: {
    allowed: PAYMENTS,
    document: () => `{ paymentStats(vkAppId: ${A}, from: "2026-01-01T00:00:00Z", to: "2026-01-08T00:00:00Z") { totals { revenue } } }`,
  },
  subscriptionStats: {
    allowed: PAYMENTS,
    document: () => `{ subscriptionStats(vkAppId: ${A}, from: "2026-01-01T00:00:00Z", to: "2026-01-08T00:00:00Z") { totals { active } } }`,
  },
  notificationLogs: { allowed: PAYMENTS, document: () => `{ notificationLogs(vkAppId: ${A}) { totalCount } }` },
  customer: {
    allowed: PAYMENTS,
    document: () =>
      `{ customer(vkAppId: ${A}, vkUserId: 1) { totals { netVotes } orders { totalCount } subscriptions { totalCount } notifications { totalCount } deliveries { totalCount } } }`,
  },
  // The banner above the widget's tabs: the same readers as the log and the deliveries it counts.
  alerts: { allowed: PAYMENTS, document: () => `{ alerts(vkAppId: ${A}) { code count } }` },
  notificationLog: {
    notFoundFor: ['OTHER_APP_CREATOR'],
    allowed: PAYMENTS,
    document: (f) => `{ notificationLog(id: "${f.logId}") { id } }`,
  },
  // The votes-payments application
  moderationRequests: { allowed: MODERATION_READERS, document: () => `{ moderationRequests(vkAppId: ${A}) { id } }` },
  votesPaymentsPreflight: { allowed: MODERATION_READERS, document: () => `{ votesPaymentsPreflight(vkAppId: ${A}) { ready } }` },
  moderationQueue: { allowed: MODERATORS, document: () => '{ moderationQueue { totalCount } }' },
  submitModerationRequest: {
    allowed: PAYMENTS,
    document: () =>
      `mutation { submitModerationRequest(vkAppId: ${A}, input: {platforms: [WEB], appDescription: "A puzzle game", paidFeatures: "Extra levels for votes"}) { id } }`,
  },
  withdrawModerationRequest: {
    notFoundFor: ['OTHER_APP_CREATOR'],
    allowed: PAYMENTS,
    document: (f) => `mutation { withdrawModerationRequest(id: "${f.requestId}") { status } }`,
  },
  decideModerationRequest: {
    allowed: MODERATORS,
    document: (f) => `mutation { decideModerationRequest(id: "${f.requestId}", decision: REJECT, comment: "No") { status } }`,
  },
  // Developer tools
  simulateNotification: {
    allowed: PAYMENTS,
    document: () => `mutation { simulateNotification(vkAppId: ${A}, input: {scenario: PURCHASE, itemId: "gem"}) { ok } }`,
  },
  replayNotification: {
    notFoundFor: ['OTHER_APP_CREATOR'],
    allowed: PAYMENTS,
    document: (f) => `{ replayNotification(logId: "${f.logId}") { same } }`,
  },
  explainSignature: { allowed: PAYMENTS, document: () => `{ explainSignature(vkAppId: ${A}, rawBody: "app_id=${A}&sig=00") { matches } }` },
  // Fulfilment (the game backend's webhook): its secret is handed out like an API key's.
  fulfilmentEndpoint: {
    allowed: PAYMENTS,
    document: () => `{ fulfilmentEndpoint(vkAppId: ${A}) { url secretHint previousSecretHint previousSecretExpiresAt } }`,
  },
  setFulfilmentEndpoint: {
    allowed: CREATOR_ADMIN,
    document: () =>
      `mutation { setFulfilmentEndpoint(vkAppId: ${A}, input: {url: "http://127.0.0.1:9/hook", enabled: false}) { signingSecret } }`,
  },
  rotateFulfilmentSecret: {
    allowed: CREATOR_ADMIN,
    // With an overlap: the old secret is decrypted and kept, which a refused caller must not cause either.
    document: () =>
      `mutation { rotateFulfilmentSecret(vkAppId: ${A}, overlapHours: 2) { signingSecret endpoint { previousSecretExpiresAt } } }`,
  },
  fulfilmentDeliveries: {
    allowed: PAYMENTS,
    document: () => `{ fulfilmentDeliveries(vkAppId: ${A}, status: "failed", eventType: "order.paid") { totalCount } }`,
  },
  resendFailedFulfilmentDeliveries: {
    allowed: PAYMENTS,
    document: () => `mutation { resendFailedFulfilmentDeliveries(vkAppId: ${A}) { resent remaining } }`,
  },
  resendFulfilmentDelivery: {
    notFoundFor: ['OTHER_APP_CREATOR'],
    allowed: PAYMENTS,
    document: (f) => `mutation { resendFulfilmentDelivery(id: "${f.deliveryId}") { status } }`,
  },
  // Live log (over WebSocket)
  notificationLogged: { allowed: PAYMENTS, document: () => `subscription { notificationLogged(vkAppId: ${A}) { id } }` },
  // `vk-payments listen` (over WebSocket): the events as deliveries are read; the server's signature as the secret is handed out.
  fulfilmentEvents: {
    allowed: PAYMENTS,
    cause: () => pay(),
    document: () => `subscription { fulfilmentEvents(vkAppId: ${A}) { eventId headers { webhookSignature } } }`,
  },
  'fulfilmentEvents signWithEndpointSecret': {
    allowed: CREATOR_ADMIN,
    cause: () => pay(),
    document: () =>
      `subscription { fulfilmentEvents(vkAppId: ${A}, signWithEndpointSecret: true) { eventId headers { webhookSignature } } }`,
  },
};

/**
 * A test payment in app A, a new order each time, made by the server's own simulator: it signs with the
 * app's current key, which rotateAppSecret's rows keep changing.
 */
const pay = () => rootData(`mutation { simulateNotification(vkAppId: ${A}, input: {scenario: PURCHASE, itemId: "gem"}) { ok } }`);

let t: TestServer;
const tokens = {} as Record<Who, string | null>;
let fixtures: Fixtures;

async function rootData<T>(query: string): Promise<T> {
  const r = await t.gql<T>(query);
  if (r.errors) throw new Error(`${query}: ${JSON.stringify(r.errors)}`);
  return r.data!;
}

const keyFor = async (vkAppId: number | null, role: string): Promise<string> =>
  (
    await rootData<{ createApiKey: { token: string } }>(
      `mutation { createApiKey(${vkAppId === null ? '' : `vkAppId: ${vkAppId}, `}role: ${role}, label: "matrix ${role}") { token } }`,
    )
  ).createApiKey.token;

/**
 * Runs a subscription until its first event or error; an allowed one gets the event of a notification.
 * Notifications keep coming until it settles: the server says nothing when the subscription is
 * registered, and one sent before that is never heard.
 */
function subscribeOnce(token: string | null, query: string, cause?: () => Promise<unknown>): Promise<GqlResult<unknown>> {
  const client = wsClient(t.url, token);
  const outcome = new Promise<GqlResult<unknown>>((resolve) => {
    const finish = (result: GqlResult<unknown>): void => {
      void client.dispose();
      resolve(result);
    };
    client.on('closed', (event) => {
      const code = (event as { code?: number }).code;
      finish({ errors: [{ message: `closed ${code}`, extensions: { code: code === 4403 ? 'UNAUTHENTICATED' : `CLOSED_${code}` } }] });
    });
    client.subscribe(
      { query },
      {
        next: (value) => finish(value as GqlResult<unknown>),
        error: (err) => finish({ errors: Array.isArray(err) ? err : [{ message: String(err) }] }),
        complete: () => undefined,
      },
    );
  });
  return causeUntilHeard(
    outcome,
    cause ?? (() => t.notify(signed({ app_id: A, item: 'gem', notification_type: 'get_item_test', user_id: 1, version: '5.132' }))),
  );
}

beforeAll(async () => {
  // The (closed) game backend of the fixtures is on 127.0.0.1, which the operator has to allow.
  t = await startTestServer(DEFAULT_DIALECT, { VKP_ALLOW_PRIVATE_URLS: '127.0.0.1' });
  for (const vkAppId of [A, B]) {
    await rootData(`mutation { createApp(input: {vkAppId: ${vkAppId}, name: "Matrix ${vkAppId}", secretKey: "${SECRET}"}) { vkAppId } }`);
  }
  await rootData(`mutation { upsertCatalogItem(vkAppId: ${A}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`);
  // The notification URL is our own endpoint, so checkNotificationUrl gets a quick, real answer.
  await rootData(`mutation { updatePaymentSettings(vkAppId: ${A}, input: {notificationUrl: "${t.url}/vk/payments"}) { vkAppId } }`);

  tokens.root = (await import('./helpers.js')).ROOT_TOKEN;
  tokens.NOBODY = null;
  for (const role of ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'VIEWER'] as const) tokens[role] = await keyFor(A, role);
  tokens.MODERATOR = await keyFor(null, 'MODERATOR');
  tokens.OTHER_APP_CREATOR = await keyFor(B, 'CREATOR');
  tokens.SESSION = (
    await t.gql<{ createWidgetSession: { token: string } }>(
      `mutation { createWidgetSession(vkAppId: ${A}, role: PAYMENTS_ADMIN) { token } }`,
      {},
      tokens.PAYMENTS_ADMIN,
    )
  ).data!.createWidgetSession.token;

  await t.notify(signed({ app_id: A, item: 'gem', notification_type: 'get_item_test', user_id: 1, version: '5.132' }));
  // A payment with a (switched-off) game backend queues one delivery to resend.
  const deliveryId = await pendingDelivery(t, A, 'gem');
  const logId = (
    await rootData<{ notificationLogs: { edges: { node: { id: string } }[] } }>(
      `{ notificationLogs(vkAppId: ${A}, first: 1) { edges { node { id } } } }`,
    )
  ).notificationLogs.edges[0]!.node.id;
  const requestId = (
    await rootData<{ submitModerationRequest: { id: string } }>(
      `mutation { submitModerationRequest(vkAppId: ${A}, input: {platforms: [WEB], appDescription: "A puzzle game", paidFeatures: "Extra levels for votes"}) { id } }`,
    )
  ).submitModerationRequest.id;
  fixtures = {
    logId,
    deliveryId,
    requestId,
    throwawayKeyId: async () =>
      (
        await rootData<{ createApiKey: { apiKey: { id: string } } }>(
          `mutation { createApiKey(vkAppId: ${A}, role: VIEWER, label: "throwaway") { apiKey { id } } }`,
        )
      ).createApiKey.apiKey.id,
    throwawaySessionId: async () =>
      (
        await rootData<{ createWidgetSession: { id: string } }>(
          `mutation { createWidgetSession(vkAppId: ${A}, role: PAYMENTS_ADMIN) { id } }`,
        )
      ).createWidgetSession.id,
  };
});
afterAll(() => t?.close());

it('has a row for every operation in the schema', async () => {
  const schema = await rootData<{ __schema: Record<'queryType' | 'mutationType' | 'subscriptionType', { fields: { name: string }[] }> }>(
    '{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }',
  );
  const inSchema = Object.values(schema.__schema).flatMap((type) => type.fields.map((f) => f.name));
  // A key may name a variant of an operation after a space ("fulfilmentEvents signWithEndpointSecret").
  expect(inSchema.sort()).toEqual([...new Set(Object.keys(OPERATIONS).map((k) => k.split(' ')[0]))].sort());
});

describe.each(Object.entries(OPERATIONS))('%s', (name, op) => {
  it.each(EVERYONE)(`as %s: ${name}`, async (who) => {
    const document = await op.document(fixtures);
    const result = document.startsWith('subscription')
      ? await subscribeOnce(tokens[who], document, op.cause)
      : await t.gql(document, {}, tokens[who]);
    const codes = (result.errors ?? []).map((e) => e.extensions?.code);
    if (who === 'NOBODY') expect(codes).toEqual(['UNAUTHENTICATED']);
    else if (op.notFoundFor?.includes(who)) expect(codes, JSON.stringify(result)).toEqual(['NOT_FOUND']);
    else if (op.allowed.includes(who))
      expect(
        codes.filter((c) => c === 'FORBIDDEN' || c === 'UNAUTHENTICATED'),
        JSON.stringify(result.errors),
      ).toEqual([]);
    else expect(codes, JSON.stringify(result)).toEqual(['FORBIDDEN']);
  });
});
