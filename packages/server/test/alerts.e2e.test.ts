/**
 * The `alerts` query on both stores, after real traffic: a banner for each condition the Prometheus rules
 * watch, with its count, for the app the traffic was for and no other. The game backend is a local HTTP
 * server the test steers; retries are shortened with VKP_FULFILMENT_RETRY_DELAYS. Time passing (an hour
 * for the log's window, a quarter of an hour for a waiting delivery) is the rows' times moved back.
 */
import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSql, type Sql } from '../src/db/sql.js';
import { DIALECTS, issueToken, SECRET, signed, startTestServer, until, type TestServer } from './helpers.js';

const A = 7301;
const B = 7302;

interface AlertRow {
  code: string;
  severity: string;
  count: number;
  countCapped: boolean;
  windowSeconds: number | null;
  thresholdSeconds: number | null;
}

/** The game backend: answers each request as `respond` says (at once, later, or when released). */
class Backend {
  respond: (res: ServerResponse) => void = (res) => res.writeHead(500).end('down');
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => this.respond(res));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/grant`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe.each(DIALECTS)('alerts on %s', (dialect) => {
  let t: TestServer;
  let sql: Sql;
  const backend = new Backend();
  let nextOrder = 1;

  const alerts = async (vkAppId: number, token?: string): Promise<AlertRow[]> => {
    const r = await t.gql<{ alerts: AlertRow[] }>(
      'query ($app: Int!) { alerts(vkAppId: $app) { code severity count countCapped windowSeconds thresholdSeconds } }',
      { app: vkAppId },
      token,
    );
    expect(r.errors).toBeUndefined();
    return r.data!.alerts;
  };
  const alertOf = async (vkAppId: number, code: string): Promise<AlertRow | undefined> =>
    (await alerts(vkAppId)).find((a) => a.code === code);
  const root = async (query: string): Promise<void> => {
    const r = await t.gql(query);
    expect(r.errors).toBeUndefined();
  };
  const endpoint = (input: string) =>
    root(`mutation { setFulfilmentEndpoint(vkAppId: ${A}, input: {url: "${backend.url}", ${input}}) { signingSecret } }`);
  const pay = (vkAppId: number, type = 'order_status_change') =>
    t.notify(
      signed({
        app_id: vkAppId,
        item: 'gem',
        item_price: 5,
        notification_type: type,
        order_id: nextOrder++,
        status: 'chargeable',
        user_id: 9,
        version: '5.132',
      }),
    );
  const badSignature = (vkAppId: number) =>
    t.notify(signed({ app_id: vkAppId, item: 'gem', notification_type: 'get_item', user_id: 9, version: '5.132' }, `${SECRET}x`));

  beforeAll(async () => {
    // One retry, at once: a delivery the backend refuses twice has run out of them.
    t = await startTestServer(dialect, { VKP_ALLOW_PRIVATE_URLS: '127.0.0.1', VKP_FULFILMENT_RETRY_DELAYS: '0.05' });
    sql = openSql(t.server.config.database);
    await backend.start();
    for (const app of [A, B]) {
      await root(`mutation { createApp(input: {vkAppId: ${app}, name: "App ${app}", secretKey: "${SECRET}"}) { vkAppId } }`);
      await root(`mutation { upsertCatalogItem(vkAppId: ${app}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`);
    }
  });
  afterAll(async () => {
    await sql?.close();
    await t?.close();
    await backend.stop();
  });

  it('an app with quiet traffic has no alerts', async () => {
    expect((await pay(A)).json).toMatchObject({ response: { order_id: nextOrder - 1 } });
    expect(await alerts(A)).toEqual([]);
  });

  it('counts bad signatures of the last hour, for the app they name only', async () => {
    for (let i = 0; i < 3; i++) expect((await badSignature(A)).json).toMatchObject({ error: { error_code: 10 } });
    for (let i = 0; i < 4; i++) await badSignature(B);
    await badSignature(9999); // not an app of ours: counts for none
    expect(await alertOf(A, 'BAD_SIGNATURES')).toEqual({
      code: 'BAD_SIGNATURES',
      severity: 'CRITICAL',
      count: 3,
      countCapped: false,
      windowSeconds: 3600,
      thresholdSeconds: null,
    });
    expect(await alerts(B)).toEqual([expect.objectContaining({ code: 'BAD_SIGNATURES', count: 4 })]);
  });

  it('counts error-2 answers, test payments too, and a delivery that ran out of retries', async () => {
    // Sync mode with a backend that answers 500: VK is told error 2 (retry), the worker retries once, then gives up.
    await endpoint('syncMode: true');
    expect((await pay(A, 'order_status_change_test')).json).toMatchObject({ error: { error_code: 2 } });
    expect(await alertOf(A, 'TEMPORARY_ERRORS')).toMatchObject({ severity: 'CRITICAL', count: 1, windowSeconds: 3600 });
    expect(await until('the delivery to fail for good', () => alertOf(A, 'DELIVERIES_FAILED'))).toMatchObject({
      severity: 'CRITICAL',
      count: 1,
      windowSeconds: null,
    });
    expect((await alerts(B)).map((a) => a.code)).toEqual(['BAD_SIGNATURES']);
  });

  it('counts answers slower than 1 s', async () => {
    // Sync mode: the answer waits for the backend, which takes 1.1 s to say yes.
    backend.respond = (res) => setTimeout(() => res.writeHead(200).end('granted'), 1_100);
    expect((await pay(A)).json).toMatchObject({ response: { order_id: nextOrder - 1 } });
    expect(await alertOf(A, 'SLOW_ANSWERS')).toEqual({
      code: 'SLOW_ANSWERS',
      severity: 'WARNING',
      count: 1,
      countCapped: false,
      windowSeconds: 3600,
      thresholdSeconds: 1,
    });
  });

  it('counts deliveries being retried, and those waiting over 15 minutes', async () => {
    // Not in sync mode: the payment is answered, the worker tries, gets 500, and holds on to its retry.
    const held: ServerResponse[] = [];
    let attempts = 0;
    backend.respond = (res) => (attempts++ === 0 ? res.writeHead(500).end('down') : held.push(res));
    await endpoint('syncMode: false');
    await pay(A);
    await until('the retry to reach the backend', () => held.length === 1);
    expect(await alertOf(A, 'DELIVERIES_FAILING')).toMatchObject({ severity: 'WARNING', count: 1, windowSeconds: null });
    expect(await alertOf(A, 'DELIVERIES_PILING_UP')).toBeUndefined();
    // A quarter of an hour later it still waits.
    await sql.run('update fulfilment_deliveries set created_at = ? where status = ?', [new Date(Date.now() - 16 * 60_000), 'pending']);
    expect(await alertOf(A, 'DELIVERIES_PILING_UP')).toMatchObject({ severity: 'WARNING', count: 1, thresholdSeconds: 900 });
    held[0]!.writeHead(500).end('down');
    expect(await until('the second delivery to fail for good', async () => (await alertOf(A, 'DELIVERIES_FAILED'))?.count === 2)).toBe(
      true,
    );
    expect(await alertOf(A, 'DELIVERIES_FAILING')).toBeUndefined();
  });

  it('lists the critical ones first', async () => {
    const severities = (await alerts(A)).map((a) => a.severity);
    expect(severities).toEqual([...severities].sort()); // CRITICAL < WARNING
    expect(severities[0]).toBe('CRITICAL');
  });

  it('drops the notification alerts once their hour has passed; failed deliveries stay until resent', async () => {
    await sql.run('update notification_logs set received_at = ?', [new Date(Date.now() - 61 * 60_000)]);
    expect((await alerts(A)).map((a) => a.code)).toEqual(['DELIVERIES_FAILED']);
    expect(await alerts(B)).toEqual([]);
  });

  it("is refused to a viewer and to another app's token", async () => {
    const { orm } = t.server;
    for (const [vkAppId, role] of [
      [A, 'VIEWER'],
      [B, 'ADMIN'],
    ] as const) {
      const { token } = await issueToken(orm, vkAppId, role);
      const r = await t.gql('{ alerts(vkAppId: ' + A + ') { code } }', {}, token);
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
