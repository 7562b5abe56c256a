/**
 * Three instances on one PostgreSQL behind HAProxy, started as `pnpm cluster` starts them
 * (examples/cluster/). Notifications go through the balancer the way VK sends them: a request that
 * fails, errs or times out is sent again until it gets a success answer. An instance killed mid-load
 * loses no acknowledged order; a rolling restart under load fails no request at all.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHaproxy, HAPROXY_CONFIG, startCluster, type Cluster } from '../../../examples/cluster/cluster.mjs';
import { loadConfig } from '../src/config.js';
import { openOrm } from '../src/db/orm.js';
import { Transaction } from '../src/orders/transaction.entity.js';
import { freshDatabase, ROOT_TOKEN, SECRET, signed, until, wsClient, type TestDatabase } from './helpers.js';

const APP = 64001;
const HAPROXY = findHaproxy();
const POSTGRES = process.env.VKP_TEST_SKIP_POSTGRES !== '1' && process.env.VKP_TEST_DIALECT !== 'sqlite';
if (!HAPROXY) console.warn('cluster tests SKIPPED: HAProxy is not installed (apt-get install -y haproxy; scripts/test.sh installs it)');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let nextOrder = 5_000_000;

const chargeable = (orderId: number) =>
  signed(
    {
      app_id: APP,
      item: 'gem',
      item_price: 5,
      notification_type: 'order_status_change',
      order_id: orderId,
      status: 'chargeable',
      user_id: 7,
      version: '5.132',
    },
    SECRET,
  );
const getItem = (userId: number) =>
  signed({ app_id: APP, item: 'gem', notification_type: 'get_item', user_id: userId, order_id: 1, version: '5.132' }, SECRET);

type Answer = { response?: { app_order_id?: number; item_id?: string } };

/** VK's request; null when VK would send it again (refused, cut, timed out, not JSON, an error answer), saying why into `why`. */
async function send(url: string, fields: Record<string, string>, why: string[] = []): Promise<Answer['response'] | null> {
  try {
    const res = await fetch(`${url}/vk/payments`, {
      method: 'POST',
      body: new URLSearchParams(fields),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    const answer = JSON.parse(text) as Answer;
    if (res.status === 200 && answer.response) return answer.response;
    why.push(`HTTP ${res.status} ${text.slice(0, 120)}`);
    return null;
  } catch (err) {
    why.push(String(err).slice(0, 120));
    return null;
  }
}

/** Sends until success, as VK does (sooner than VK's own retry schedule); the answer and the failed attempts. */
async function deliver(
  url: string,
  fields: Record<string, string>,
): Promise<{ response: NonNullable<Answer['response']>; failed: number }> {
  for (let failed = 0; ; failed++) {
    const response = await send(url, fields);
    if (response) return { response, failed };
    if (failed > 100) throw new Error('VK gave up: 100 failed attempts');
    await sleep(100);
  }
}

async function gql(url: string, query: string): Promise<void> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

/** Every stored order of the app: order_id → app_order_id, and how many rows each order has. */
async function storedOrders(db: TestDatabase): Promise<{ byOrder: Map<number, number>; rows: number }> {
  const orm = await openOrm(db.database);
  try {
    const stored = await orm.em.fork().find(Transaction, { app: { vkAppId: APP } });
    return { byOrder: new Map(stored.map((t) => [Number(t.orderId), t.id])), rows: stored.length };
  } finally {
    await orm.close();
  }
}

describe('the shipped HAProxy example', () => {
  const config = readFileSync(HAPROXY_CONFIG, 'utf8');

  it('takes a draining instance out before the default drain delay ends (inter × fall < VKP_DRAIN_DELAY)', () => {
    const inter = /default-server[^\n]*\binter (\d+)(ms|s)\b/.exec(config);
    const fall = /default-server[^\n]*\bfall (\d+)\b/.exec(config);
    expect(inter && fall).toBeTruthy();
    const interMs = Number(inter![1]) * (inter![2] === 's' ? 1_000 : 1);
    expect(interMs * Number(fall![1])).toBeLessThan(loadConfig({}).drainDelayMs);
    expect(config).toMatch(/http-check send meth GET uri \/readyz/);
  });

  it.skipIf(!HAPROXY)('is a configuration HAProxy accepts', async () => {
    const { stdout } = await promisify(execFile)(HAPROXY!, ['-c', '-f', HAPROXY_CONFIG]);
    expect(stdout).toContain('Configuration file is valid');
  });
});

describe.skipIf(!HAPROXY || !POSTGRES)('three instances on one PostgreSQL behind HAProxy', () => {
  let db: TestDatabase;
  let cluster: Cluster;

  beforeAll(async () => {
    db = await freshDatabase('postgresql');
    if (db.database.dialect !== 'postgresql') throw new Error('unreachable');
    cluster = await startCluster({
      databaseUrl: db.database.url,
      env: { VKP_ADMIN_TOKEN: ROOT_TOKEN, VKP_DEMO: '0', NODE_ENV: undefined },
    });
    await gql(cluster.url, `mutation { createApp(input: {vkAppId: ${APP}, name: "Cluster", secretKey: "${SECRET}"}) { vkAppId } }`);
    await gql(cluster.url, `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`);
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
    await db?.drop();
  });

  it("loses no acknowledged order when an instance is SIGKILLed under load, and VK's retries record every order exactly once", async () => {
    const ORDERS = 300;
    const CONCURRENCY = 32;
    const KILL_AFTER = 60;
    const first = nextOrder;
    nextOrder += ORDERS;
    const victim = cluster.instances[1]!;
    const acknowledged = new Map<number, number>();
    let next = first;
    let killedWhenAcknowledged: number | undefined;
    let failedAttempts = 0;
    const worker = async (): Promise<void> => {
      while (next < first + ORDERS) {
        const orderId = next++;
        const { response, failed } = await deliver(cluster.url, chargeable(orderId));
        acknowledged.set(orderId, response.app_order_id!);
        failedAttempts += failed;
        if (killedWhenAcknowledged === undefined && acknowledged.size >= KILL_AFTER) {
          killedWhenAcknowledged = acknowledged.size;
          void victim.kill();
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(await victim.stop()).toBe('SIGKILL');
    expect(killedWhenAcknowledged).toBeLessThan(ORDERS - CONCURRENCY); // it died with the stream in full flow
    expect(acknowledged.size).toBe(ORDERS); // every order got its success in the end
    const { byOrder, rows } = await storedOrders(db);
    expect(rows).toBe(ORDERS); // none twice
    for (const [orderId, appOrderId] of acknowledged) expect(byOrder.get(orderId)).toBe(appOrderId);
    // How many attempts the kill cost VK (failedAttempts) varies with timing: HAProxy itself resends the
    // requests the dead instance refused, and only those cut mid-way fail.
    console.info(`SIGKILL under load: ${failedAttempts} failed attempt(s) resent`);

    await victim.start();
    await cluster.until(victim.name, 'UP');
  });

  it('fails no request during a rolling restart under steady load: each instance drains, restarts and is back in HAProxy before the next', async () => {
    let stopped = false;
    const failures: string[] = [];
    const acknowledged = new Map<number, number>();
    let answered = 0;
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; !stopped; i++) {
        // Half new orders, half get_item, as the bench sends them.
        const orderId = i % 2 ? undefined : nextOrder++;
        const why: string[] = [];
        const response = await send(cluster.url, orderId === undefined ? getItem(100 + w) : chargeable(orderId), why);
        if (!response)
          failures.push(`${orderId === undefined ? `get_item ${w}/${i}` : `order ${orderId}`}: ${why.join('') || 'no answer'}`);
        else {
          answered++;
          if (orderId !== undefined) acknowledged.set(orderId, response.app_order_id!);
        }
      }
    };
    const load = Array.from({ length: 4 }, (_, w) => worker(w));
    const sessions = async (name: string) => (await cluster.servers())[name]!.sessions;
    for (const instance of cluster.instances) {
      const pid = instance.pid;
      await instance.restart();
      expect(instance.pid).not.toBe(pid);
      // Back in the rotation: the load reaches the new process before the next instance goes.
      const back = await sessions(instance.name);
      await until(`HAProxy sending ${instance.name} requests again`, async () => (await sessions(instance.name)) > back);
    }
    stopped = true;
    await Promise.all(load);

    // When it fails, say why: the first answers, what HAProxy saw, and how the instances ended.
    const states = failures.length ? JSON.stringify(await cluster.servers()) : '';
    expect(
      failures.slice(0, 20),
      `${failures.length} failed; HAProxy: ${states}; instances: ${cluster.instances.map((i) => `${i.name} running=${i.running}`).join(', ')}`,
    ).toEqual([]);
    expect(answered).toBeGreaterThan(200);
    const { byOrder } = await storedOrders(db);
    for (const [orderId, appOrderId] of acknowledged) expect(byOrder.get(orderId)).toBe(appOrderId);
  }, 90_000);

  it('streams to a live-log subscriber on one instance, within 1 s, the notifications HAProxy sent to the others', async () => {
    const USERS = 9;
    const seen = new Map<number, number>();
    const client = wsClient(cluster.instances[0]!.url, ROOT_TOKEN);
    try {
      const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
      client.subscribe(
        { query: `subscription { notificationLogged(vkAppId: ${APP}) { vkUserId } }` },
        {
          next: (value) => {
            const userId = (value.data as { notificationLogged?: { vkUserId: number } } | undefined)?.notificationLogged?.vkUserId;
            if (userId !== undefined) seen.set(userId, Date.now());
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
      await connected;
      await sleep(100); // the subscription is registered just after the connection is acknowledged
      const before = await cluster.servers();
      const answeredAt = new Map<number, number>();
      for (let userId = 1; userId <= USERS; userId++) {
        await deliver(cluster.url, getItem(userId));
        answeredAt.set(userId, Date.now());
      }
      const after = await cluster.servers();
      // Round robin: the other two instances answered some of them.
      expect(after.app2!.sessions).toBeGreaterThan(before.app2!.sessions);
      expect(after.app3!.sessions).toBeGreaterThan(before.app3!.sessions);
      await until('every notification on the live log of app1', () => seen.size === USERS, 3_000).catch(() => undefined);
      for (let userId = 1; userId <= USERS; userId++) {
        expect(seen.has(userId), `user ${userId} on the live log`).toBe(true);
        expect(seen.get(userId)! - answeredAt.get(userId)!).toBeLessThanOrEqual(1_000);
      }
    } finally {
      await client.dispose();
    }
  });
});
