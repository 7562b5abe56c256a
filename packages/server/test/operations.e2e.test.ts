/**
 * Running it: Prometheus metrics, structured logs without secrets, per-token rate limits on the API
 * (never on VK's endpoint), and a shutdown that finishes what is in flight.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrm } from '../src/db/orm.js';
import { createServer } from '../src/http/server.js';
import { Transaction } from '../src/orders/transaction.entity.js';
import { DEFAULT_DIALECT, freshDatabase, ROOT_TOKEN, SECRET, signed, startTestServer, testConfig, type TestServer } from './helpers.js';

const APP = 64001;

async function seed(t: Pick<TestServer, 'gql'>): Promise<void> {
  await t.gql(`mutation { createApp(input: {vkAppId: ${APP}, name: "Ops", secretKey: "${SECRET}"}) { vkAppId } }`);
  await t.gql(`mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`);
}
const getItem = (userId = 1) =>
  signed({ app_id: APP, item: 'gem_pack', notification_type: 'get_item_test', user_id: userId, version: '5.132' });

describe('metrics and rate limits', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(DEFAULT_DIALECT, { VKP_RATE_LIMIT: '8' });
    await seed(t);
  });
  afterAll(() => t?.close());

  it('counts notifications by type and result, their latency, GraphQL operations and the pool at /metrics', async () => {
    await t.notify(getItem());
    await t.notify({ ...getItem(), sig: '0'.repeat(32) });
    await t.gql('query Apps { apps { vkAppId } }');
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toContain('vkp_notifications_total{type="get_item",test="true",result="ok"} 1');
    expect(text).toContain('vkp_notifications_total{type="get_item",test="true",result="10"} 1');
    expect(text).toMatch(/vkp_notification_duration_seconds_count\{type="get_item"\} 2/);
    expect(text).toContain('vkp_notifications_slow_total 0');
    // Labelled by the root field, not by the operation name the client chose (metric-labels.e2e.test.ts).
    expect(text).toMatch(/vkp_graphql_operations_total\{operation="apps",type="query",result="ok"\} 1/);
    expect(text).toMatch(/vkp_db_pool_connections\{state="used"\} \d+/);
  });

  it('limits GraphQL per token, and never the VK endpoint', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer some-other-token-000' },
        body: '{"query":"{ me { kind } }"}',
      });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.slice(0, 8).every((s) => s !== 429)).toBe(true);
    // Another token has its own allowance.
    const { data } = await t.gql<{ me: { kind: string } }>('{ me { kind } }');
    expect(data?.me.kind).toBe('root');
    // VK's notifications are never throttled.
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => t.notify(getItem(100 + i))));
    expect(answers.every((a) => a.status === 200 && a.text.includes('"title"'))).toBe(true);
  });
});

describe('structured logs', () => {
  it('writes one JSON line per notification with request id, app, type, error code and duration — never the secret or the sig', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const db = await freshDatabase(DEFAULT_DIALECT);
    const server = await createServer(testConfig(db.database), { logger: { level: 'info', stream } });
    const url = await server.listen();
    try {
      const gql = async (query: string) =>
        (
          await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
            body: JSON.stringify({ query }),
          })
        ).json();
      await seed({ gql } as unknown as Pick<TestServer, 'gql'>);
      const body = new URLSearchParams(getItem());
      await fetch(`${url}/vk/payments`, { method: 'POST', body });
      const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'notification');
      expect(entries).toEqual([
        expect.objectContaining({
          reqId: expect.any(String) as string,
          vkAppId: APP,
          type: 'get_item_test',
          errorCode: null,
          durationMs: expect.any(Number) as number,
        }) as object,
      ]);
      const all = lines.join('\n');
      expect(all).not.toContain(SECRET);
      expect(all).not.toContain(body.get('sig')!);
      expect(all).not.toContain(ROOT_TOKEN);
    } finally {
      await server.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('delivers the answer of every notification it started on before it closes', async () => {
    const t = await startTestServer();
    await seed(t);
    const orderIds = Array.from({ length: 40 }, (_, i) => 5000 + i);
    const inFlight = orderIds.map((orderId) =>
      t.notify(
        signed({
          app_id: APP,
          item: 'gem_pack',
          item_price: 10,
          notification_type: 'order_status_change',
          order_id: orderId,
          status: 'chargeable',
          user_id: 3,
          version: '5.132',
        }),
      ),
    );
    await Promise.race(inFlight); // the server is busy with the rest now
    const closing = t.server.close();
    const answers = await Promise.allSettled(inFlight);
    await closing;
    const answered = new Set(
      orderIds.filter(
        (_, i) =>
          answers[i]!.status === 'fulfilled' &&
          (answers[i] as PromiseFulfilledResult<{ text: string }>).value.text.includes('app_order_id'),
      ),
    );
    expect(answered.size).toBeGreaterThan(0);
    // Nothing the server recorded went unanswered: a connection it had not started on may be refused
    // (VK retries those), but none was cut between the commit and the answer.
    const orm = await openOrm(t.server.config.database);
    try {
      const stored = await orm.em.fork().find(Transaction, { app: { vkAppId: APP } });
      expect(stored.map((tx) => Number(tx.orderId)).filter((id) => !answered.has(id))).toEqual([]);
    } finally {
      await orm.close();
    }
  });
});
