/**
 * No SSRF (issue #10 §3), over GraphQL on a real server with the default settings (no private address
 * allowed): the notification URL check and game-backend deliveries never connect to this machine or
 * its network, saving such a URL is refused as written, a failed connection reads the same whether a
 * port is open or closed, and what came back from a URL is readable only by the roles that may set it.
 *
 * Traffic goes to 127.0.0.1 and ::1 only: listeners there count connections that must not happen.
 */
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../src/apps/app.entity.js';
import { FulfilmentEndpoint } from '../src/fulfilment/fulfilment.entity.js';
import { DEFAULT_DIALECT, SECRET, signed, startTestServer, type GqlResult, type TestServer, until } from './helpers.js';
import { PRIVATE_AS_WRITTEN } from './fixtures/private-urls.js';

const APP = 61001;
const CHECK = `mutation ($vkAppId: Int!) { checkNotificationUrl(vkAppId: $vkAppId) { ok verdict httpStatus problems responseBody summary } }`;
const SET_URL = `mutation ($vkAppId: Int!, $url: String) { updatePaymentSettings(vkAppId: $vkAppId, input: { notificationUrl: $url }) { settings { notificationUrl } } }`;
const SET_ENDPOINT = `mutation ($vkAppId: Int!, $url: String!, $enabled: Boolean) { setFulfilmentEndpoint(vkAppId: $vkAppId, input: { url: $url, enabled: $enabled }) { endpoint { url } } }`;
const DELIVERIES = `query ($vkAppId: Int!) { fulfilmentDeliveries(vkAppId: $vkAppId, first: 50) { edges { node { eventId status attempts attemptLog { httpStatus responseBody error } } } } }`;

interface Check {
  ok: boolean;
  verdict: string;
  httpStatus: number | null;
  problems: string[];
  responseBody: string | null;
  summary: string;
}
interface Delivery {
  eventId: string;
  status: string;
  attempts: number;
  attemptLog: { httpStatus: number | null; responseBody: string | null; error: string | null }[];
}

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function bind(server: Server, host: string, port: number): Promise<number> {
  servers.push(server);
  server.on('connection', (s: Socket) => sockets.add(s));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Listens on 127.0.0.1 and ::1 at one port and counts every connection made to it. `connectionsBefore`
 * opens one connection of our own to each address and waits until it is counted: a listener accepts in
 * order, so any connection made before ours has been counted by then; it returns how many there were.
 */
async function tripwire(): Promise<{ port: number; connectionsBefore(): Promise<number> }> {
  let count = 0;
  const make = (): Server =>
    createNetServer((socket) => {
      count++;
      socket.destroy();
    });
  const port = await bind(make(), '127.0.0.1', 0);
  const hosts = ['127.0.0.1'];
  await bind(make(), '::1', port).then(
    () => hosts.push('::1'),
    () => undefined,
  ); // a machine without IPv6 loopback
  return {
    port,
    async connectionsBefore() {
      const counted = count + hosts.length;
      for (const host of hosts) {
        const socket = connect(port, host);
        socket.on('error', () => undefined);
        sockets.add(socket);
      }
      await until('our own connections counted', () => count >= counted);
      return count - hosts.length;
    },
  };
}

function data<T>(result: GqlResult<T>): T {
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!;
}

/** What a server saved before this release (or under an allowlist since removed) may still hold. */
async function storeUrlDirectly(t: TestServer, vkAppId: number, url: string): Promise<void> {
  const em = t.server.orm.em.fork();
  (await em.findOneOrFail(App, { vkAppId })).notificationUrl = url;
  await em.flush();
}

async function setup(t: TestServer, vkAppId: number): Promise<{ paymentsAdmin: string; admin: string }> {
  data(await t.gql(`mutation { createApp(input: {vkAppId: ${vkAppId}, name: "Game ${vkAppId}", secretKey: "${SECRET}"}) { vkAppId } }`));
  data(
    await t.gql(
      `mutation { upsertCatalogItem(vkAppId: ${vkAppId}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`,
    ),
  );
  const key = async (role: string): Promise<string> =>
    data(
      await t.gql<{ createApiKey: { token: string } }>(
        `mutation { createApiKey(vkAppId: ${vkAppId}, role: ${role}, label: "${role}") { token } }`,
      ),
    ).createApiKey.token;
  return { paymentsAdmin: await key('PAYMENTS_ADMIN'), admin: await key('ADMIN') };
}

const REFUSED = /^refused: .* address; the server connects only to public addresses unless VKP_ALLOW_PRIVATE_URLS allows it$/;

describe(`no SSRF with the default settings on ${DEFAULT_DIALECT}`, () => {
  let t: TestServer;
  let tokens: { paymentsAdmin: string; admin: string };

  beforeAll(async () => {
    t = await startTestServer(DEFAULT_DIALECT, { VKP_FULFILMENT_RETRY_DELAYS: '0.2,0.2' });
    tokens = await setup(t, APP);
  });
  afterAll(() => t?.close());

  describe('checkNotificationUrl', () => {
    it.each([
      ['127.0.0.1', (p: number) => `http://127.0.0.1:${p}/vk`, /^refused: 127\.0\.0\.1 is a loopback address/],
      [
        'localhost, resolved through /etc/hosts',
        (p: number) => `http://localhost:${p}/vk`,
        /^refused: the host name resolves to a loopback address/,
      ],
      ['[::1]', (p: number) => `http://[::1]:${p}/vk`, /^refused: ::1 is a loopback address/],
      ['2130706433', (p: number) => `http://2130706433:${p}/vk`, /^refused: 127\.0\.0\.1 is a loopback address/],
      ['0.0.0.0', (p: number) => `http://0.0.0.0:${p}/vk`, /^refused: 0\.0\.0\.0 is an unspecified address/],
      ['[::ffff:127.0.0.1]', (p: number) => `http://[::ffff:127.0.0.1]:${p}/vk`, /^refused: ::ffff:7f00:1 is a loopback address/],
    ])('to %s is refused without any connection being made', async (_what, url, message) => {
      const wire = await tripwire();
      await storeUrlDirectly(t, APP, url(wire.port));
      const check = data(await t.gql<{ checkNotificationUrl: Check }>(CHECK, { vkAppId: APP }, tokens.paymentsAdmin)).checkNotificationUrl;
      expect(check).toMatchObject({ ok: false, verdict: 'UNREACHABLE', httpStatus: null, responseBody: null });
      expect(check.problems).toHaveLength(1);
      expect(check.problems[0]).toMatch(message);
      expect(check.problems[0]).toMatch(REFUSED);
      expect(await wire.connectionsBefore()).toBe(0);
    });

    it("this server's own address (the local demo's notification URL) is saved and answers", async () => {
      data(await t.gql(SET_URL, { vkAppId: APP, url: `${t.url}/vk/payments` }, tokens.paymentsAdmin));
      const check = data(await t.gql<{ checkNotificationUrl: Check }>(CHECK, { vkAppId: APP }, tokens.paymentsAdmin)).checkNotificationUrl;
      expect(check).toMatchObject({ ok: true, verdict: 'SUCCESS', httpStatus: 200 });
    });
  });

  describe('saving a URL', () => {
    it.each(PRIVATE_AS_WRITTEN)('refuses %s as the notification URL and as the game backend, naming the field', async (url) => {
      data(await t.gql(SET_URL, { vkAppId: APP, url: 'https://kept.example.com/vk' }));
      const refused = await t.gql(SET_URL, { vkAppId: APP, url }, tokens.paymentsAdmin);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'notificationUrl' });
      expect(refused.errors?.[0]?.message).toMatch(/^notificationUrl: refused: .*VKP_ALLOW_PRIVATE_URLS/);
      const kept = data(await t.gql<{ app: { notificationUrl: string } }>(`{ app(vkAppId: ${APP}) { notificationUrl } }`)).app
        .notificationUrl;
      expect(kept).toBe('https://kept.example.com/vk');

      const endpoint = await t.gql(SET_ENDPOINT, { vkAppId: APP, url, enabled: false }, tokens.admin);
      expect(endpoint.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    });

    it('saves a host name that does not resolve now: it is checked when the server connects', async () => {
      const url = 'https://not-yet-registered.invalid/vk';
      expect(
        data(
          await t.gql<{ updatePaymentSettings: { settings: { notificationUrl: string } } }>(
            SET_URL,
            { vkAppId: APP, url },
            tokens.paymentsAdmin,
          ),
        ).updatePaymentSettings.settings.notificationUrl,
      ).toBe(url);
      data(await t.gql(SET_ENDPOINT, { vkAppId: APP, url: 'https://game-backend-not-yet.invalid/hook', enabled: false }, tokens.admin));
    });
  });

  describe('game-backend deliveries', () => {
    it('to a private address are refused, recorded as failed attempts with the reason, and retried per schedule', async () => {
      const wire = await tripwire();
      // Saved while VKP_ALLOW_PRIVATE_URLS allowed it, say; the operator has since removed it.
      data(await t.gql(SET_ENDPOINT, { vkAppId: APP, url: 'https://game.example.com/hook', enabled: false }, tokens.admin));
      const em = t.server.orm.em.fork();
      const endpoint = await em.findOneOrFail(FulfilmentEndpoint, { app: { vkAppId: APP } });
      em.assign(endpoint, { url: `http://localhost:${wire.port}/hook`, enabled: true });
      await em.flush();

      const answer = (
        await t.notify(
          signed({
            app_id: APP,
            user_id: 501,
            notification_type: 'order_status_change',
            status: 'chargeable',
            item: 'gem_pack',
            item_price: 10,
            order_id: 61_000_001,
            version: '5.132',
          }),
        )
      ).json as { response: { app_order_id: number } };
      const eventId = `msg_paid_${answer.response.app_order_id}`;
      const failed = await until('the retries to run out', async () => {
        const all = data(await t.gql<{ fulfilmentDeliveries: { edges: { node: Delivery }[] } }>(DELIVERIES, { vkAppId: APP }, tokens.admin))
          .fulfilmentDeliveries.edges;
        const found = all.map((e) => e.node).find((d) => d.eventId === eventId);
        return found?.status === 'failed' && found;
      });
      expect(failed.attempts).toBe(3); // the first attempt and the two retries of VKP_FULFILMENT_RETRY_DELAYS
      for (const attempt of failed.attemptLog) {
        expect(attempt).toMatchObject({ httpStatus: null, responseBody: null });
        expect(attempt.error).toMatch(/^refused: the host name resolves to a loopback address; .*VKP_ALLOW_PRIVATE_URLS/);
      }
      expect(await wire.connectionsBefore()).toBe(0);
      em.assign(endpoint, { enabled: false });
      await em.flush();
    });
  });
});

describe(`with VKP_ALLOW_PRIVATE_URLS=127.0.0.1 on ${DEFAULT_DIALECT}`, () => {
  const VK_APP = 61002;
  let t: TestServer;
  let tokens: { paymentsAdmin: string; admin: string };

  beforeAll(async () => {
    t = await startTestServer(DEFAULT_DIALECT, { VKP_ALLOW_PRIVATE_URLS: '127.0.0.1', VKP_FULFILMENT_RETRY_DELAYS: '0.2' });
    tokens = await setup(t, VK_APP);
  });
  afterAll(() => t?.close());

  const check = async (url: string): Promise<Check> => {
    data(await t.gql(SET_URL, { vkAppId: VK_APP, url }, tokens.paymentsAdmin));
    return data(await t.gql<{ checkNotificationUrl: Check }>(CHECK, { vkAppId: VK_APP }, tokens.paymentsAdmin)).checkNotificationUrl;
  };

  it('reaches an allowlisted address, and shows the answer to the roles that may set the URL', async () => {
    const peer = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"response":{"title":"Gem pack","price":10}}'));
    });
    const port = await bind(peer, '127.0.0.1', 0);
    expect(await check(`http://127.0.0.1:${port}/vk`)).toMatchObject({
      ok: true,
      verdict: 'SUCCESS',
      responseBody: '{"response":{"title":"Gem pack","price":10}}',
    });
  });

  it('a closed port and an open port that does not speak HTTP give the same error text', async () => {
    const closed = createNetServer();
    const closedPort = await bind(closed, '127.0.0.1', 0);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const ssh = createNetServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2p1\r\n'));
    const sshPort = await bind(ssh, '127.0.0.1', 0);
    const hangsUp = createNetServer((socket) => socket.destroy());
    const hangsUpPort = await bind(hangsUp, '127.0.0.1', 0);

    const answers = [
      await check(`http://127.0.0.1:${closedPort}/vk`),
      await check(`http://127.0.0.1:${sshPort}/vk`),
      await check(`http://127.0.0.1:${hangsUpPort}/vk`),
    ];
    const texts = answers.map((a) => ({ verdict: a.verdict, problems: a.problems, summary: a.summary, responseBody: a.responseBody }));
    expect(texts[0]).toEqual(texts[1]);
    expect(texts[0]).toEqual(texts[2]);
    expect(texts[0]!.problems).toEqual([
      'could not connect to the URL (no HTTP answer within 10 s): VK gives up after 10 s and retries later (docs/protocol.md §1)',
    ]);
    expect(JSON.stringify(answers)).not.toMatch(/ECONN|EPIPE|socket|parse|SSH/i);
  });

  it('a PAYMENTS_ADMIN reads deliveries without what the game backend answered; CREATOR/ADMIN read it', async () => {
    let hits = 0;
    const backend = createHttpServer((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => res.writeHead(500).end('internal page: db=postgres://app:hunter2@10.0.0.7/app'));
    });
    const port = await bind(backend, '127.0.0.1', 0);
    data(await t.gql(SET_ENDPOINT, { vkAppId: VK_APP, url: `http://127.0.0.1:${port}/hook`, enabled: true }, tokens.admin));
    await t.notify(
      signed({
        app_id: VK_APP,
        user_id: 501,
        notification_type: 'order_status_change',
        status: 'chargeable',
        item: 'gem_pack',
        item_price: 10,
        order_id: 61_000_002,
        version: '5.132',
      }),
    );
    const read = async (token?: string): Promise<Delivery> =>
      data(await t.gql<{ fulfilmentDeliveries: { edges: { node: Delivery }[] } }>(DELIVERIES, { vkAppId: VK_APP }, token))
        .fulfilmentDeliveries.edges[0]!.node;
    const seen = await until('two attempts', async () => {
      const d = await read(tokens.admin);
      return d.status === 'failed' && d;
    });
    data(await t.gql(SET_ENDPOINT, { vkAppId: VK_APP, url: `http://127.0.0.1:${port}/hook`, enabled: false }, tokens.admin));
    expect(hits).toBe(2);
    expect(seen.attemptLog.map((a) => a.responseBody)).toEqual([
      'internal page: db=postgres://app:hunter2@10.0.0.7/app',
      'internal page: db=postgres://app:hunter2@10.0.0.7/app',
    ]);
    expect((await read()).attemptLog[0]).toMatchObject({ responseBody: expect.stringContaining('hunter2') as string }); // root

    const hidden = await read(tokens.paymentsAdmin);
    expect(hidden.attemptLog).toEqual([
      { httpStatus: 500, responseBody: null, error: null },
      { httpStatus: 500, responseBody: null, error: null },
    ]);
    // Hiding it from one reader changed nothing stored.
    expect((await read(tokens.admin)).attemptLog[1]).toMatchObject({ responseBody: expect.stringContaining('internal page') as string });
  });
});
