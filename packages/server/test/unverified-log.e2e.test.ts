/**
 * Unsigned traffic cannot fill the disk or the log: over real HTTP, a real database and a real
 * graphql-ws client. An unverified request (bad or missing sig, unknown app) is answered as always but
 * logged bounded (1 KB at most), at most VKP_UNVERIFIED_LOG_PER_MINUTE (default 60) of them per app and
 * minute and VKP_UNVERIFIED_LOG_PER_MINUTE_TOTAL (default 120) of all apps together; the rest are counted
 * in /metrics. Verified notifications are logged whole and never dropped.
 */
import { Writable } from 'node:stream';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationLog } from '../src/logs/notification-log.entity.js';
import { createServer } from '../src/http/server.js';
import {
  DEFAULT_DIALECT,
  DIALECTS,
  freshDatabase,
  ROOT_TOKEN,
  SECRET,
  signed,
  startTestServer,
  testConfig,
  wsClient,
  type Dialect,
  type TestServer,
} from './helpers.js';
import { causeUntilHeard } from './live-events.js';

const CAP = 60; // the default of VKP_UNVERIFIED_LOG_PER_MINUTE
const BIG_APP = 61001;
const FLOOD_APP = 61002;
const LONG_APP = 61003;
const FLOOD = 500;

const getItem = (app: number, extra: Record<string, string | number> = {}) =>
  signed({ app_id: app, item: 'gem', notification_type: 'get_item', user_id: 42, order_id: 1, version: '5.132', ...extra });

/** `{ ...a signed body, sig: wrong }`: what anyone can send for an app they know the id of. */
const badlySigned = (app: number, extra: Record<string, string | number> = {}) => ({ ...getItem(app, extra), sig: '0'.repeat(32) });

describe.each(DIALECTS)('unverified notifications on %s', (dialect: Dialect) => {
  let t: TestServer;
  const clients: Client[] = [];

  const rows = (where: Record<string, unknown>) => t.server.orm.em.fork().find(NotificationLog, where, { orderBy: { id: 'asc' } });
  async function unlogged(reason: string): Promise<number> {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    return Number(new RegExp(`^vkp_notifications_unlogged_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  }
  /** Sends `count` bodies, `parallel` at a time; returns every answer's text. */
  async function send(count: number, body: (i: number) => string | Record<string, string>, parallel = 20): Promise<string[]> {
    const answers: string[] = [];
    for (let i = 0; i < count; i += parallel) {
      const batch = Array.from({ length: Math.min(parallel, count - i) }, (_, j) => t.notify(body(i + j)));
      answers.push(...(await Promise.all(batch)).map((a) => a.text));
    }
    return answers;
  }

  beforeAll(async () => {
    t = await startTestServer(dialect);
    for (const vkAppId of [BIG_APP, FLOOD_APP, LONG_APP]) {
      await t.gql(
        `mutation { createApp(input: {vkAppId: ${vkAppId}, name: "Unverified ${vkAppId}", secretKey: "${SECRET}"}) { vkAppId } }`,
      );
      await t.gql(`mutation { upsertCatalogItem(vkAppId: ${vkAppId}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`);
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => Promise.resolve(c.dispose())));
    await t?.close();
  });

  it('a 60 KB body with a known app and a bad sig is answered error 10 and stored as at most 1 KB with its field names', async () => {
    const answer = await t.notify(badlySigned(BIG_APP, { item: 'x'.repeat(60_000) }));
    expect(answer.json).toMatchObject({ error: { error_code: 10, critical: true } });
    const [row] = await rows({ vkAppId: BIG_APP });
    expect(row).toMatchObject({ signatureValid: false, errorCode: 10 });
    const request = row!.request;
    expect(Object.keys(request).sort()).toEqual([
      '_truncated',
      'app_id',
      'item',
      'notification_type',
      'order_id',
      'sig',
      'user_id',
      'version',
    ]);
    expect(request.item).toBe(`${'x'.repeat(64)}… (60000 characters)`);
    expect(request._truncated).toMatchObject({ bodyBytes: expect.any(Number) as number, fields: 7, omittedFields: 0 });
    expect((request._truncated as { bodyBytes: number }).bodyBytes).toBeGreaterThan(60_000);
    expect(Buffer.byteLength(JSON.stringify(request))).toBeLessThanOrEqual(1024);
  });

  it('a live subscriber gets the same bounded row, never the body whole', async () => {
    const client = wsClient(
      t.url,
      (
        await t.gql<{ createApiKey: { token: string } }>(
          `mutation { createApiKey(vkAppId: ${BIG_APP}, role: PAYMENTS_ADMIN, label: "live") { token } }`,
        )
      ).data!.createApiKey.token,
    );
    clients.push(client);
    const event = new Promise<{ notificationLogged: { request: Record<string, unknown>; signatureValid: boolean } }>((resolve, reject) => {
      client.subscribe<{ notificationLogged: { request: Record<string, unknown>; signatureValid: boolean } }>(
        { query: `subscription { notificationLogged(vkAppId: ${BIG_APP}) { request signatureValid } }` },
        { next: (v) => (v.data ? resolve(v.data) : reject(new Error(JSON.stringify(v.errors)))), error: reject, complete: () => undefined },
      );
    });
    const { notificationLogged } = await causeUntilHeard(event, () => t.notify(badlySigned(BIG_APP, { item: 'y'.repeat(60_000) })));
    expect(notificationLogged.signatureValid).toBe(false);
    expect(notificationLogged.request.item).toBe(`${'y'.repeat(64)}… (60000 characters)`);
    expect(Buffer.byteLength(JSON.stringify(notificationLogged.request))).toBeLessThanOrEqual(1024);
  });

  it('the devtools refuse a truncated row: replay and explainSignature say it was stored truncated', async () => {
    const [row] = await rows({ vkAppId: BIG_APP });
    const replay = await t.gql(`{ replayNotification(logId: "${row!.id}") { same } }`);
    expect(replay.errors?.[0]).toMatchObject({
      message: expect.stringContaining('stored truncated') as string,
      extensions: { code: 'BAD_USER_INPUT', field: 'logId' },
    });
    const explain = await t.gql('query ($body: String!) { explainSignature(vkAppId: 61001, rawBody: $body) { matches } }', {
      body: JSON.stringify(row!.request),
    });
    expect(explain.errors?.[0]).toMatchObject({
      message: expect.stringContaining('stored truncated') as string,
      extensions: { code: 'BAD_USER_INPUT', field: 'rawBody' },
    });
  });

  it(`a flood of ${FLOOD} unsigned requests for one app stores ${CAP} rows, answers every one the same, and counts the rest`, async () => {
    const before = await unlogged('bad_signature');
    const body = badlySigned(FLOOD_APP);
    const answers = await send(FLOOD, () => body);
    // Same VK error, same bytes, logged or not.
    expect(new Set(answers)).toEqual(new Set([answers[0]]));
    expect(JSON.parse(answers[0]!)).toMatchObject({ error: { error_code: 10 } });
    expect(await rows({ vkAppId: FLOOD_APP })).toHaveLength(CAP);
    expect((await unlogged('bad_signature')) - before).toBe(FLOOD - CAP);
  });

  it('during the flood a correctly signed notification succeeds and is logged whole', async () => {
    const answer = await t.notify(getItem(FLOOD_APP, { order_id: 777 }));
    expect(answer.json).toEqual({ response: { item_id: 'gem', title: 'Gem', price: 5 } });
    const logged = await rows({ vkAppId: FLOOD_APP, orderId: '777' });
    expect(logged).toHaveLength(1);
    expect(logged[0]!).toMatchObject({ signatureValid: true, errorCode: null, request: getItem(FLOOD_APP, { order_id: 777 }) });
  });

  it(`a flood with ${FLOOD} different made-up app ids stores at most ${CAP} rows in all`, async () => {
    const before = await unlogged('no_app');
    const made = (await rows({ app: null })).length;
    const answers = await send(FLOOD, (i) => badlySigned(900_000 + i));
    expect(answers.every((a) => (JSON.parse(a) as { error: { error_code: number } }).error.error_code === 11)).toBe(true);
    const stored = (await rows({ app: null })).length - made;
    expect(stored).toBeLessThanOrEqual(CAP);
    expect((await unlogged('no_app')) - before).toBe(FLOOD - stored);
  });

  it('a signed notification with a long but valid field value is logged in full', async () => {
    const lang = `ru_RU-${'z'.repeat(500)}`;
    const answer = await t.notify(getItem(LONG_APP, { lang }));
    expect(answer.json).toHaveProperty('response.price', 5);
    const [row] = await rows({ vkAppId: LONG_APP });
    expect(row!.request).toEqual(getItem(LONG_APP, { lang }));
    expect(row!.request).not.toHaveProperty('_truncated');
  });

  it('a body too large to read is answered error 11 as always, and counted against the shared budget', async () => {
    const before = await unlogged('no_app');
    const answer = await t.notify(`app_id=${BIG_APP}&item=${'x'.repeat(70_000)}`);
    expect(answer.json).toMatchObject({ error: { error_code: 11 } });
    // The made-up-apps flood used up this minute's budget of requests that reach no app: counted, not stored.
    expect((await unlogged('no_app')) - before).toBe(1);
    expect((await rows({ app: null })).filter((r) => '_unreadable' in r.request)).toEqual([]);
  });
});

describe.each(DIALECTS)('a flood spread over many apps on %s', (dialect: Dialect) => {
  const PER_APP = 10;
  const TOTAL = 50;
  const APPS = Array.from({ length: 20 }, (_, i) => 62_000 + i);
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer(dialect, {
      VKP_UNVERIFIED_LOG_PER_MINUTE: String(PER_APP),
      VKP_UNVERIFIED_LOG_PER_MINUTE_TOTAL: String(TOTAL),
    });
    for (const vkAppId of APPS) {
      await t.gql(`mutation { createApp(input: {vkAppId: ${vkAppId}, name: "Many ${vkAppId}", secretKey: "${SECRET}"}) { vkAppId } }`);
      await t.gql(`mutation { upsertCatalogItem(vkAppId: ${vkAppId}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`);
    }
  });
  afterAll(() => t?.close());

  it(`20 apps flooded at once store at most ${TOTAL} unverified rows in all, not 20 × ${PER_APP}; every request is answered and the rest counted`, async () => {
    const metric = async () => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      return [...text.matchAll(/^vkp_notifications_unlogged_total\{reason="[a-z_]+"\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    const before = await metric();
    // Each app sends more than its per-app budget, all apps at once (round-robin, 40 requests in flight), with made-up apps mixed in.
    const bodies = Array.from({ length: PER_APP + 2 }, (_, round) =>
      APPS.map((app, i) => (round === 0 ? badlySigned(990_000 + i) : badlySigned(app))),
    ).flat();
    const answers: Awaited<ReturnType<TestServer['notify']>>[] = [];
    for (let i = 0; i < bodies.length; i += 40) answers.push(...(await Promise.all(bodies.slice(i, i + 40).map((body) => t.notify(body)))));
    expect(
      answers.every((a) => a.status === 200 && [10, 11].includes((a.json as { error: { error_code: number } }).error.error_code)),
    ).toBe(true);
    const unverified = await t.server.orm.em.fork().count(NotificationLog, { $or: [{ signatureValid: false }, { signatureValid: null }] });
    expect(unverified).toBe(TOTAL);
    expect((await metric()) - before).toBe(bodies.length - TOTAL);
  });

  it('past the instance budget a correctly signed notification still succeeds and is logged whole', async () => {
    const answer = await t.notify(getItem(APPS[7]!, { order_id: 4242 }));
    expect(answer.json).toEqual({ response: { item_id: 'gem', title: 'Gem', price: 5 } });
    const [row] = await t.server.orm.em.fork().find(NotificationLog, { vkAppId: APPS[7]!, orderId: '4242' });
    expect(row).toMatchObject({ signatureValid: true, request: getItem(APPS[7]!, { order_id: 4242 }) });
  });
});

describe('the server log during a flood', () => {
  it('writes one line per logged notification and one warning per app and minute, not a line per unlogged request', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(
          ...chunk
            .toString()
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, unknown>),
        );
        done();
      },
    });
    const db = await freshDatabase(DEFAULT_DIALECT);
    const server = await createServer(testConfig(db.database, { VKP_UNVERIFIED_LOG_PER_MINUTE: '5' }), {
      logger: { level: 'info', stream },
    });
    const url = await server.listen();
    try {
      const gql = (query: string) =>
        fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
          body: JSON.stringify({ query }),
        });
      await gql(`mutation { createApp(input: {vkAppId: ${FLOOD_APP}, name: "Flood", secretKey: "${SECRET}"}) { vkAppId } }`);
      const body = new URLSearchParams(badlySigned(FLOOD_APP)).toString();
      for (let i = 0; i < 50; i++) await fetch(`${url}/vk/payments`, { method: 'POST', body });
      expect(lines.filter((l) => l.msg === 'notification')).toHaveLength(5);
      expect(lines.filter((l) => l.level === 40)).toEqual([expect.objectContaining({ vkAppId: FLOOD_APP, reason: 'bad_signature' })]);
    } finally {
      await server.close();
      await db.drop();
    }
  });
});
