/**
 * Rotating the game-backend webhook's signing secret with an overlap (README "Fulfilment"), over real
 * HTTP on both stores, against a local game backend that verifies with the `standardwebhooks` package:
 * until the old secret's expiry every delivery (worker, sync mode, resend) and the server-made headers of
 * `fulfilmentEvents` verify under either secret; after it, or with overlapHours 0, only under the new one.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSql, type Sql } from '../src/db/sql.js';
import { DIALECTS, ROOT_TOKEN, SECRET, signed, startTestServer, until, wsClient, type TestServer } from './helpers.js';
import { causeUntilHeard } from './live-events.js';
import { validStandardWebhook } from './standard-webhooks.js';

const APP = 73456;
const ENV = { VKP_FULFILMENT_RETRY_DELAYS: '0.05', VKP_ALLOW_PRIVATE_URLS: '127.0.0.1' };
const HOUR = 3_600_000;

interface Heard {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A game backend that records every request as it came and answers 200. */
async function recordingBackend(): Promise<{ url: string; got: Heard[]; server: Server }> {
  const got: Heard[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.end('granted');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/vk-grant`, got, server };
}

/** Which of `secrets` the request verifies under, by the standardwebhooks package. */
const verifiesUnder = (heard: Heard, secrets: Record<string, string>): string[] =>
  Object.entries(secrets)
    .filter(([, secret]) => validStandardWebhook(secret, heard.headers, heard.body))
    .map(([name]) => name);

interface EndpointView {
  secretHint: string;
  previousSecretHint: string | null;
  previousSecretExpiresAt: string | null;
}
const ENDPOINT_FIELDS = 'secretHint previousSecretHint previousSecretExpiresAt';
const hint = (secret: string): string => `whsec_••••${secret.slice(-4)}`;

describe.each(DIALECTS)('rotating the fulfilment signing secret with an overlap on %s', (dialect) => {
  let t: TestServer;
  let sql: Sql;
  let backend: Awaited<ReturnType<typeof recordingBackend>>;
  const clients: Client[] = [];
  /** Every secret this file was shown: none may appear in an answer or audit row. */
  const shown: string[] = [];
  let order = 950_000;

  async function data<T>(query: string): Promise<T> {
    const r = await t.gql<T>(query);
    if (r.errors) throw new Error(`${query}: ${JSON.stringify(r.errors)}`);
    return r.data!;
  }

  /** Pays once; resolves with the delivery of its event as the backend received it. */
  async function deliveredPayment(): Promise<Heard> {
    const orderId = ++order;
    const answer = (
      await t.notify(
        signed({
          app_id: APP,
          user_id: 701,
          notification_type: 'order_status_change',
          status: 'chargeable',
          item: 'gem_pack',
          item_price: 10,
          order_id: orderId,
          version: '5.132',
        }),
      )
    ).json as { response: { app_order_id: number } };
    const id = `msg_paid_${answer.response.app_order_id}`;
    return until(`the delivery of ${id}`, () => backend.got.find((g) => g.headers['webhook-id'] === id));
  }

  async function rotate(args = ''): Promise<{ secret: string; endpoint: EndpointView }> {
    const r = await data<{ rotateFulfilmentSecret: { signingSecret: string; endpoint: EndpointView } }>(
      `mutation { rotateFulfilmentSecret(vkAppId: ${APP}${args}) { signingSecret endpoint { ${ENDPOINT_FIELDS} } } }`,
    );
    shown.push(r.rotateFulfilmentSecret.signingSecret);
    return { secret: r.rotateFulfilmentSecret.signingSecret, endpoint: r.rotateFulfilmentSecret.endpoint };
  }

  const endpoint = async (): Promise<EndpointView> =>
    (await data<{ fulfilmentEndpoint: EndpointView }>(`{ fulfilmentEndpoint(vkAppId: ${APP}) { ${ENDPOINT_FIELDS} } }`)).fulfilmentEndpoint;

  /** A new endpoint secret with no overlap running: the state each test starts from. */
  async function freshStart(): Promise<string> {
    return (await rotate(', overlapHours: 0')).secret;
  }

  beforeAll(async () => {
    backend = await recordingBackend();
    t = await startTestServer(dialect, ENV);
    sql = openSql(t.server.config.database);
    await data(`mutation { createApp(input: {vkAppId: ${APP}, name: "Game", secretKey: "${SECRET}"}) { vkAppId } }`);
    await data(`mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`);
    const set = await data<{ setFulfilmentEndpoint: { signingSecret: string } }>(
      `mutation { setFulfilmentEndpoint(vkAppId: ${APP}, input: {url: "${backend.url}"}) { signingSecret } }`,
    );
    shown.push(set.setFulfilmentEndpoint.signingSecret);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => Promise.resolve(c.dispose())));
    await sql?.close();
    await t?.close();
    backend?.server.close();
  });

  it('for 24 hours by default every delivery, sync-mode answer, resend and listener verifies under either secret, the new first', async () => {
    const old = await freshStart();
    const before = Date.now();
    const { secret: fresh, endpoint: shownAfter } = await rotate();
    expect(shownAfter.secretHint).toBe(hint(fresh));
    expect(shownAfter.previousSecretHint).toBe(hint(old));
    const expiry = Date.parse(shownAfter.previousSecretExpiresAt!);
    expect(expiry).toBeGreaterThanOrEqual(before + 24 * HOUR - 1000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 24 * HOUR);
    expect(await endpoint()).toEqual(shownAfter);

    // The worker's delivery: two signatures, the new one's first.
    const delivery = await deliveredPayment();
    expect(verifiesUnder(delivery, { old, fresh })).toEqual(['old', 'fresh']);
    const [first, second, ...more] = String(delivery.headers['webhook-signature']).split(' ');
    expect(more).toEqual([]);
    expect(validStandardWebhook(fresh, { ...delivery.headers, 'webhook-signature': first }, delivery.body)).toBe(true);
    expect(validStandardWebhook(old, { ...delivery.headers, 'webhook-signature': second }, delivery.body)).toBe(true);

    // A resend of it.
    const id = String(delivery.headers['webhook-id']);
    const { fulfilmentDeliveries } = await data<{ fulfilmentDeliveries: { edges: { node: { id: string; eventId: string } }[] } }>(
      `{ fulfilmentDeliveries(vkAppId: ${APP}, first: 100) { edges { node { id eventId } } } }`,
    );
    const deliveryId = fulfilmentDeliveries.edges.find((e) => e.node.eventId === id)!.node.id;
    const count = backend.got.length;
    await data(`mutation { resendFulfilmentDelivery(id: "${deliveryId}") { id } }`);
    const resent = await until('the resend', () => backend.got.slice(count).find((g) => g.headers['webhook-id'] === id));
    expect(verifiesUnder(resent, { old, fresh })).toEqual(['old', 'fresh']);

    // Sync mode: VK's answer waits for the backend, which got both signatures.
    await data(
      `mutation { setFulfilmentEndpoint(vkAppId: ${APP}, input: {url: "${backend.url}", syncMode: true}) { endpoint { syncMode } } }`,
    );
    try {
      expect(verifiesUnder(await deliveredPayment(), { old, fresh })).toEqual(['old', 'fresh']);
    } finally {
      await data(
        `mutation { setFulfilmentEndpoint(vkAppId: ${APP}, input: {url: "${backend.url}", syncMode: false}) { endpoint { syncMode } } }`,
      );
    }

    // The server-made headers `vk-payments listen` forwards.
    const client = wsClient(t.url, ROOT_TOKEN);
    clients.push(client);
    const event = new Promise<{ body: string; headers: { webhookId: string; webhookTimestamp: string; webhookSignature: string } }>(
      (resolve, reject) => {
        const stop = client.subscribe<{ fulfilmentEvents: { body: string; headers: never } }>(
          {
            query: `subscription { fulfilmentEvents(vkAppId: ${APP}, signWithEndpointSecret: true) { body headers { webhookId webhookTimestamp webhookSignature } } }`,
          },
          {
            next: (v) => (stop(), v.errors ? reject(new Error(v.errors[0]!.message)) : resolve(v.data!.fulfilmentEvents)),
            error: reject,
            complete: () => undefined,
          },
        );
      },
    );
    const heard = await causeUntilHeard(event, deliveredPayment);
    const asForwarded: Heard = {
      body: heard.body,
      headers: {
        'webhook-id': heard.headers.webhookId,
        'webhook-timestamp': heard.headers.webhookTimestamp,
        'webhook-signature': heard.headers.webhookSignature,
      },
    };
    expect(verifiesUnder(asForwarded, { old, fresh })).toEqual(['old', 'fresh']);
  });

  it('once the overlap has ended, deliveries and the endpoint carry the new secret only', async () => {
    const old = await freshStart();
    const { secret: fresh } = await rotate(', overlapHours: 2');
    expect(verifiesUnder(await deliveredPayment(), { old, fresh })).toEqual(['old', 'fresh']);
    // Two hours later (the expiry moved back instead of waiting): nothing had to run for it to end.
    await sql.run('update fulfilment_endpoints set previous_secret_expires_at = ?', [new Date(Date.now() - 1000)]);
    const after = await deliveredPayment();
    expect(verifiesUnder(after, { old, fresh })).toEqual(['fresh']);
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(await endpoint()).toEqual({ secretHint: hint(fresh), previousSecretHint: null, previousSecretExpiresAt: null });
  });

  it('overlapHours 0 stops the old secret at once', async () => {
    const old = await freshStart();
    const { secret: fresh, endpoint: view } = await rotate(', overlapHours: 0');
    expect(view).toEqual({ secretHint: hint(fresh), previousSecretHint: null, previousSecretExpiresAt: null });
    expect(verifiesUnder(await deliveredPayment(), { old, fresh })).toEqual(['fresh']);
  });

  it('a second rotation during an overlap keeps the secret it replaces, and the one before that stops', async () => {
    const first = await freshStart();
    const { secret: second } = await rotate(', overlapHours: 24');
    const { secret: third, endpoint: view } = await rotate(', overlapHours: 1');
    expect(view.previousSecretHint).toBe(hint(second));
    expect(Date.parse(view.previousSecretExpiresAt!)).toBeLessThanOrEqual(Date.now() + HOUR);
    expect(verifiesUnder(await deliveredPayment(), { first, second, third })).toEqual(['second', 'third']);
  });

  it('refuses an overlap outside 0–168 hours, naming the argument, and changes nothing', async () => {
    const current = await freshStart();
    for (const [hours, params] of [
      [-1, { reason: 'tooSmall', min: 0 }],
      [169, { reason: 'tooLarge', max: 168 }],
    ] as const) {
      const r = await t.gql(`mutation { rotateFulfilmentSecret(vkAppId: ${APP}, overlapHours: ${hours}) { signingSecret } }`);
      expect(r.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'overlapHours', params });
    }
    const notWhole = await t.gql(`mutation { rotateFulfilmentSecret(vkAppId: ${APP}, overlapHours: 1.5) { signingSecret } }`);
    expect(notWhole.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await endpoint()).toEqual({ secretHint: hint(current), previousSecretHint: null, previousSecretExpiresAt: null });
  });

  it('neither secret appears in any answer, audit row or stored column: the audit keeps hints and the overlap', async () => {
    const old = await freshStart();
    const { secret: fresh } = await rotate(', overlapHours: 5');
    const answers = JSON.stringify(
      await data(`{ fulfilmentEndpoint(vkAppId: ${APP}) { url enabled syncMode ${ENDPOINT_FIELDS} }
        auditEvents(vkAppId: ${APP}, first: 100) { edges { node { action before after } } } }`),
    );
    const auditRows = JSON.stringify(await sql.all('select * from audit_events'));
    const stored = JSON.stringify(await sql.all('select * from fulfilment_endpoints'));
    for (const secret of shown) {
      const key = secret.slice('whsec_'.length);
      expect(answers).not.toContain(key);
      expect(auditRows).not.toContain(key);
      expect(stored).not.toContain(key);
    }
    const { auditEvents } = await data<{ auditEvents: { edges: { node: { action: string; before: unknown; after: unknown } }[] } }>(
      `{ auditEvents(vkAppId: ${APP}, first: 1) { edges { node { action before after } } } }`,
    );
    expect(auditEvents.edges[0]!.node).toMatchObject({
      action: 'fulfilment.rotateSecret',
      before: { secretHint: hint(old), previousSecretHint: null, previousSecretExpiresAt: null },
      after: { secretHint: hint(fresh), previousSecretHint: hint(old), overlapHours: 5 },
    });
  });
});
