/**
 * Authenticate, then authorize, then look up: for every operation named by a record id, a caller who
 * may not act on the record gets the same answer whether the id exists or not (no token: always
 * UNAUTHENTICATED; another app's token: what a missing id gets), so record ids cannot be probed.
 * The operations are found in the schema (every query or mutation with an ID argument), so a new one
 * without a row here fails the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_DIALECT,
  issueToken,
  pendingDelivery,
  ROOT_TOKEN,
  SECRET,
  signed,
  startTestServer,
  type GqlResult,
  type TestServer,
} from './helpers.js';

const A = 69001; // the app whose records are probed
const B = 69002; // another app
const MISSING = '987654321';

let t: TestServer;

/** Operation → the existing records it is tried on, and how to name one. */
const OPERATIONS: Record<string, { ids: () => string[]; document: (id: string) => string }> = {
  revokeApiKey: { ids: () => [f.keyId, f.platformKeyId], document: (id) => `mutation { revokeApiKey(id: "${id}") { id } }` },
  revokeWidgetSession: { ids: () => [f.sessionId], document: (id) => `mutation { revokeWidgetSession(id: "${id}") }` },
  notificationLog: { ids: () => [f.logId, f.orphanLogId], document: (id) => `{ notificationLog(id: "${id}") { id } }` },
  replayNotification: { ids: () => [f.logId, f.orphanLogId], document: (id) => `{ replayNotification(logId: "${id}") { same } }` },
  resendFulfilmentDelivery: {
    ids: () => [f.deliveryId],
    document: (id) => `mutation { resendFulfilmentDelivery(id: "${id}") { status } }`,
  },
  withdrawModerationRequest: {
    ids: () => [f.requestId],
    document: (id) => `mutation { withdrawModerationRequest(id: "${id}") { status } }`,
  },
  decideModerationRequest: {
    ids: () => [f.requestId],
    document: (id) => `mutation { decideModerationRequest(id: "${id}", decision: REJECT, comment: "No") { status } }`,
  },
};

const f = { keyId: '', platformKeyId: '', sessionId: '', logId: '', orphanLogId: '', deliveryId: '', requestId: '' };
/** Callers who may not act on app A's records (tokens issued in beforeAll). */
const CALLERS = [
  'no token',
  'a made-up token',
  "another app's creator key",
  "another app's admin session",
  'a platform moderator key',
  "this app's viewer key",
] as const;
const callers: Record<(typeof CALLERS)[number], string | null> = {
  'no token': null,
  'a made-up token': 'vkp_key_made-up-0123',
  "another app's creator key": null,
  "another app's admin session": null,
  'a platform moderator key': null,
  "this app's viewer key": null,
};

async function root<T>(query: string): Promise<T> {
  const r = await t.gql<T>(query);
  if (r.errors) throw new Error(`${query}: ${JSON.stringify(r.errors)}`);
  return r.data!;
}

beforeAll(async () => {
  t = await startTestServer(DEFAULT_DIALECT, { VKP_ALLOW_PRIVATE_URLS: '127.0.0.1' });
  for (const vkAppId of [A, B])
    await root(`mutation { createApp(input: {vkAppId: ${vkAppId}, name: "Probe ${vkAppId}", secretKey: "${SECRET}"}) { vkAppId } }`);
  await root(`mutation { upsertCatalogItem(vkAppId: ${A}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`);
  await root(`mutation { updatePaymentSettings(vkAppId: ${A}, input: {notificationUrl: "https://game.example.com/vk"}) { vkAppId } }`);

  const key = await issueToken(t.server.orm, A, 'PAYMENTS_ADMIN');
  f.keyId = String(key.id);
  f.platformKeyId = (
    await root<{ createApiKey: { apiKey: { id: string } } }>(
      'mutation { createApiKey(role: MODERATOR, label: "platform") { apiKey { id } } }',
    )
  ).createApiKey.apiKey.id;
  f.sessionId = String(
    (await issueToken(t.server.orm, A, 'PAYMENTS_ADMIN', { viaKeyId: key.id, expiresAt: new Date(Date.now() + 600_000) })).id,
  );
  await t.notify(signed({ app_id: A, item: 'gem', notification_type: 'get_item_test', user_id: 1, version: '5.132' }));
  await t.notify(signed({ app_id: 1, item: 'gem', notification_type: 'get_item_test', user_id: 1, version: '5.132' })); // an unknown app: a row of no app
  const logs = (await t.server.orm.em.fork().getConnection().execute('select id, app_id from notification_logs order by id')) as {
    id: number;
    app_id: number | null;
  }[];
  f.logId = String(logs.find((l) => l.app_id !== null)!.id);
  f.orphanLogId = String(logs.find((l) => l.app_id === null)!.id);
  f.deliveryId = await pendingDelivery(t, A, 'gem');
  f.requestId = (
    await root<{ submitModerationRequest: { id: string } }>(
      `mutation { submitModerationRequest(vkAppId: ${A}, input: {platforms: [WEB], appDescription: "A puzzle game", paidFeatures: "Extra levels for votes"}) { id } }`,
    )
  ).submitModerationRequest.id;

  callers["another app's creator key"] = (await issueToken(t.server.orm, B, 'CREATOR')).token;
  callers["another app's admin session"] = (
    await issueToken(t.server.orm, B, 'ADMIN', { viaKeyId: null, expiresAt: new Date(Date.now() + 600_000) })
  ).token;
  callers['a platform moderator key'] = (
    await root<{ createApiKey: { token: string } }>('mutation { createApiKey(role: MODERATOR, label: "probe") { token } }')
  ).createApiKey.token;
  callers["this app's viewer key"] = (await issueToken(t.server.orm, A, 'VIEWER')).token;
});
afterAll(() => t?.close());

/** The answer, with the id it names written as <id> in messages, so answers for two ids compare. */
async function answer(document: string, id: string, token: string | null): Promise<{ status: number; body: GqlResult<unknown> }> {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query: document }),
  });
  const body = (await res.json()) as GqlResult<unknown>;
  const named = new RegExp(`\\b${id}\\b`, 'g');
  return {
    status: res.status,
    body: { ...body, ...(body.errors && { errors: body.errors.map((e) => ({ ...e, message: e.message.replace(named, '<id>') })) }) },
  };
}

it('has a row for every query and mutation that takes a record id', async () => {
  type Field = { name: string; args: { type: { name: string | null; ofType: { name: string | null } | null } }[] };
  const { __schema } = await root<{ __schema: Record<'queryType' | 'mutationType', { fields: Field[] }> }>(
    '{ __schema { queryType { fields { name args { type { name ofType { name } } } } } mutationType { fields { name args { type { name ofType { name } } } } } } }',
  );
  const byId = [...__schema.queryType.fields, ...__schema.mutationType.fields]
    .filter((field) => field.args.some((a) => (a.type.name ?? a.type.ofType?.name) === 'ID'))
    .map((field) => field.name);
  expect(byId.sort()).toEqual(Object.keys(OPERATIONS).sort());
});

describe.each(Object.entries(OPERATIONS))('%s', (name, op) => {
  it.each(CALLERS.filter((who) => !(name === 'decideModerationRequest' && who === 'a platform moderator key')))(
    `answers %s the same for an existing and a missing id (${name})`,
    async (who) => {
      const token = callers[who];
      for (const id of op.ids()) {
        const existing = await answer(op.document(id), id, token);
        const missing = await answer(op.document(MISSING), MISSING, token);
        expect(existing, `id ${id}`).toEqual(missing);
        const codes = (existing.body.errors ?? []).map((e) => e.extensions?.code);
        if (token === null || who === 'a made-up token') expect(codes).toEqual(['UNAUTHENTICATED']);
        else expect(codes).toHaveLength(1);
      }
    },
  );

  it('still acts for the root token (the records exist)', async () => {
    const r = await answer(op.document(op.ids()[0]!), op.ids()[0]!, ROOT_TOKEN);
    expect(r.body.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('NOT_FOUND');
  });
});
