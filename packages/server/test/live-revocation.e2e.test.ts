/**
 * A live subscription lives no longer than its token: revoking a widget session, or the API key behind
 * it, or letting the session expire, ends its sockets within seconds, even when the revocation is made
 * on another instance sharing the database: the server closes it, with the code that says why.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type VkPaymentsServer } from '../src/http/server.js';
import {
  DIALECTS,
  freshDatabase,
  issueToken,
  ROOT_TOKEN,
  SECRET,
  signed,
  testConfig,
  wsClient,
  type TestDatabase,
  waitFor,
} from './helpers.js';

const APP = 68001;
const RECHECK_MS = 250;
/** What "within seconds" means here: a few recheck rounds. */
const WITHIN_MS = 3_000;

const LOGGED = `subscription { notificationLogged(vkAppId: ${APP}) { id } }`;

interface Watch {
  events: unknown[];
  closed: Promise<number>;
  client: Client;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DIALECTS)('live sockets end with their token (two instances on one %s database)', (dialect) => {
  let db: TestDatabase;
  let a: VkPaymentsServer; // where the widget is subscribed
  let b: VkPaymentsServer; // where the revocation is made
  let urlA: string;
  let urlB: string;
  const clients: Client[] = [];
  let user = 0;

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    a = await createServer(testConfig(db.database), { liveRecheckMs: RECHECK_MS });
    b = await createServer(testConfig(db.database), { liveRecheckMs: RECHECK_MS });
    urlA = await a.listen();
    urlB = await b.listen();
    await rootGql(urlA, `mutation { createApp(input: {vkAppId: ${APP}, name: "Revocation", secretKey: "${SECRET}"}) { vkAppId } }`);
    await rootGql(urlA, `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => Promise.resolve(c.dispose())));
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  async function rootGql(url: string, query: string): Promise<unknown> {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  const notify = () =>
    fetch(`${urlA}/vk/payments`, {
      method: 'POST',
      body: new URLSearchParams(
        signed({ app_id: APP, item: 'gem', notification_type: 'get_item_test', user_id: ++user, version: '5.132' }),
      ),
    });

  /** Subscribes on instance A and waits until a notification's event arrives (the subscription is live). */
  async function watch(token: string): Promise<Watch> {
    const client = wsClient(urlA, token);
    clients.push(client);
    const events: unknown[] = [];
    const closed = new Promise<number>((resolve) => client.on('closed', (e) => resolve((e as { code: number }).code)));
    client.subscribe({ query: LOGGED }, { next: (v) => void events.push(v), error: () => undefined, complete: () => undefined });
    for (let i = 0; i < 20 && !events.length; i++) {
      await notify();
      await waitFor(() => events.length > 0, 200);
    }
    expect(events.length, 'the subscription received its first event').toBeGreaterThan(0);
    return { events, closed, client };
  }

  /** The socket closes within WITHIN_MS with `code` (the client does not reconnect: nothing reaches it after). */
  async function expectEnded(w: Watch, code: number): Promise<void> {
    const started = Date.now();
    const result = await Promise.race([w.closed, sleep(WITHIN_MS).then(() => 'still open')]);
    expect(result).toBe(code);
    expect(Date.now() - started).toBeLessThan(WITHIN_MS);
  }

  it('revoking a widget session on another instance ends its subscription within seconds', async () => {
    const key = await issueToken(a.orm, APP, 'PAYMENTS_ADMIN');
    const session = await issueToken(a.orm, APP, 'PAYMENTS_ADMIN', { viaKeyId: key.id, expiresAt: new Date(Date.now() + 600_000) });
    const w = await watch(session.token);
    const untouched = await watch(key.token);
    await rootGql(urlB, `mutation { revokeWidgetSession(id: "${session.id}") }`);
    await expectEnded(w, 4403);
    // The key that minted it keeps its own subscription.
    const before = untouched.events.length;
    await notify();
    expect(await waitFor(() => untouched.events.length > before, 2_000)).toBe(true);
  });

  it('revoking the API key behind a session ends the sockets of both within seconds', async () => {
    const key = await issueToken(a.orm, APP, 'ADMIN');
    const session = await issueToken(a.orm, APP, 'PAYMENTS_ADMIN', { viaKeyId: key.id, expiresAt: new Date(Date.now() + 600_000) });
    const bySession = await watch(session.token);
    const byKey = await watch(key.token);
    await rootGql(urlB, `mutation { revokeApiKey(id: "${key.id}") { id } }`);
    await Promise.all([expectEnded(bySession, 4403), expectEnded(byKey, 4403)]);
  });

  it('a widget session that expires ends its subscription at its expiry', async () => {
    const key = await issueToken(a.orm, APP, 'PAYMENTS_ADMIN');
    const expiresAt = new Date(Date.now() + 2_000);
    const session = await issueToken(a.orm, APP, 'PAYMENTS_ADMIN', { viaKeyId: key.id, expiresAt });
    const w = await watch(session.token);
    const code = await Promise.race([w.closed, sleep(expiresAt.getTime() - Date.now() + WITHIN_MS).then(() => 'still open')]);
    expect(code).toBe(4401);
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime() - 50);
  });
});
