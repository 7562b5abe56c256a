/**
 * The live log over graphql-ws, and the HTTP protections around GraphQL: CORS allowlist, Apollo's
 * CSRF prevention, and limits on what one document may ask for.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIALECT, ROOT_TOKEN, SECRET, signed, startTestServer, wsClient as connect, type TestServer } from './helpers.js';
import { causeUntilHeard } from './live-events.js';

const APP = 71001;
const OTHER_APP = 71002;
const ALLOWED_ORIGIN = 'https://admin.example.com';

let t: TestServer;
const clients: Client[] = [];

function wsClient(token: string | null): Client {
  const client = connect(t.url, token);
  clients.push(client);
  return client;
}

/** Subscribes and resolves with the first event, or rejects with the first error / close. */
function firstEvent(client: Client, query: string): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    client.on('closed', (e) => reject(new Error(`closed: ${(e as { code?: number }).code}`)));
    const unsubscribe = client.subscribe(
      { query },
      {
        next: (value) => {
          unsubscribe();
          if (value.errors) reject(Object.assign(new Error(value.errors[0]!.message), { errors: value.errors }));
          else resolve(value.data);
        },
        error: (err) => reject(err instanceof Error ? err : Object.assign(new Error('subscription error'), { errors: err })),
        complete: () => undefined,
      },
    );
  });
}

async function keyFor(vkAppId: number, role: string): Promise<string> {
  const r = await t.gql<{ createApiKey: { token: string } }>(
    `mutation { createApiKey(vkAppId: ${vkAppId}, role: ${role}, label: "live test") { token } }`,
  );
  return r.data!.createApiKey.token;
}

beforeAll(async () => {
  t = await startTestServer(DEFAULT_DIALECT, { VKP_CORS_ORIGINS: ALLOWED_ORIGIN });
  for (const vkAppId of [APP, OTHER_APP]) {
    await t.gql(`mutation { createApp(input: {vkAppId: ${vkAppId}, name: "Live ${vkAppId}", secretKey: "${SECRET}"}) { vkAppId } }`);
  }
  await t.gql(`mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => Promise.resolve(c.dispose())));
  await t.close();
});

const LOGGED = `subscription { notificationLogged(vkAppId: ${APP}) { id rawType notificationType ok errorCode vkUserId response } }`;
const getItem = () => signed({ app_id: APP, item: 'gem', notification_type: 'get_item_test', user_id: 42, order_id: 1, version: '5.132' });

describe('notificationLogged', () => {
  it('streams a logged notification to a PAYMENTS_ADMIN of the app as it happens', async () => {
    const heard = firstEvent(wsClient(await keyFor(APP, 'PAYMENTS_ADMIN')), LOGGED);
    expect(await causeUntilHeard(heard, () => t.notify(getItem()))).toEqual({
      notificationLogged: {
        id: expect.any(String) as string,
        rawType: 'get_item_test',
        notificationType: 'GET_ITEM',
        ok: true,
        errorCode: null,
        vkUserId: 42,
        response: { response: { title: 'Gem', price: 5, item_id: 'gem' } },
      },
    });
  });

  it("refuses another app's key with FORBIDDEN", async () => {
    // Notifications keep coming meanwhile: a key let through would hear one, and this would fail.
    const result = causeUntilHeard(firstEvent(wsClient(await keyFor(OTHER_APP, 'ADMIN')), LOGGED), () => t.notify(getItem()));
    await expect(result).rejects.toMatchObject({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) as object }) as object],
    });
  });

  it('closes a connection that brings no valid token', async () => {
    await expect(firstEvent(wsClient(null), LOGGED)).rejects.toThrow(/closed: 4403/);
    await expect(firstEvent(wsClient('vkp_key_not-a-real-token'), LOGGED)).rejects.toThrow(/closed: 4403/);
  });
});

describe('HTTP protections', () => {
  const preflight = (origin: string) =>
    fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it('lets an allowed origin embed the widget (CORS) and no other', async () => {
    expect((await preflight(ALLOWED_ORIGIN)).headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a GET query without a preflight header (CSRF prevention)', async () => {
    const res = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ me { kind } }')}`, {
      headers: { authorization: `Bearer ${ROOT_TOKEN}` },
    });
    expect(res.status).toBe(400);
    const ok = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ me { kind } }')}`, {
      headers: { authorization: `Bearer ${ROOT_TOKEN}`, 'apollo-require-preflight': 'true' },
    });
    expect(await ok.json()).toEqual({ data: { me: { kind: 'root' } } });
  });

  it('refuses a document with too many aliases before running it', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: me { kind }`).join(' ');
    const r = await t.gql(`{ ${aliases} }`);
    expect(r.data).toBeUndefined();
    expect(r.errors?.[0]?.message).toMatch(/aliases/i);
  });

  it('refuses a document nested deeper than any real query', async () => {
    const r = await t.gql(`{ apps { settings { notificationUrl } } a: transactions(vkAppId: ${APP}) { edges { node { id } } } }`);
    expect(r.errors).toBeUndefined();
    const deep = `{ __type(name: "App") { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } }`;
    const rejected = await t.gql(deep);
    expect(rejected.errors?.[0]?.message).toMatch(/depth/i);
  });
});
