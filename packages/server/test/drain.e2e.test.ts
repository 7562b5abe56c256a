/**
 * Draining on SIGTERM for a load balancer (http/drain.ts), with the real CLI: /readyz turns 503 at once,
 * every request is still served for VKP_DRAIN_DELAY (answers say `Connection: close`), then the instance
 * stops accepting, answers what is in flight and exits 0. A human's Ctrl-C does not wait.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DIALECT, freshDatabase, ROOT_TOKEN, SECRET, signed, until, type TestDatabase } from './helpers.js';
import { startServerProcess, type ServerProcess } from './processes.js';

const APP = 63001;
const AS_STARTED = { VKP_ADMIN_TOKEN: ROOT_TOKEN, NODE_ENV: undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function gql(url: string, query: string): Promise<void> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

const getItem = () =>
  new URLSearchParams(
    signed({ app_id: APP, item: 'gem', notification_type: 'get_item', user_id: 42, order_id: 1, version: '5.132' }, SECRET),
  ).toString();
const ITEM_ANSWER = { response: { item_id: 'gem', title: 'Gem', price: 5 } };

/** A raw connection that keeps what the server sent, to write requests on it at chosen moments. */
async function rawConnection(url: string): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let text = '';
  socket.on('data', (b: Buffer) => (text += b.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, received: () => text, closed };
}

/** Whether a new connection is still accepted. */
async function accepts(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`, { headers: { connection: 'close' } });
    return true;
  } catch {
    return false;
  }
}

/** The exit code, or 'still running' when the process has not exited within `ms`. */
const exitWithin = (p: ServerProcess, ms: number) => Promise.race([p.exited, sleep(ms).then(() => 'still running' as const)]);

describe('stopping `vk-payments serve` behind a load balancer', () => {
  let db: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.kill('SIGKILL');
    await db?.drop();
  });

  it('on SIGTERM answers /readyz 503 at once, keeps answering notifications through the drain delay with Connection: close, answers what is in flight when it ends, and exits 0', async () => {
    db = await freshDatabase(DEFAULT_DIALECT);
    server = await startServerProcess(db.database, { ...AS_STARTED, VKP_DRAIN_DELAY: '3' });
    const { url } = server;
    await gql(url, `mutation { createApp(input: {vkAppId: ${APP}, name: "Drain", secretKey: "${SECRET}"}) { vkAppId } }`);
    await gql(url, `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`);
    // A keep-alive connection opened before the signal, as a balancer's pooled connection would be.
    const pooled = await rawConnection(url);
    pooled.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await until('the first answer on the pooled connection', () => pooled.received().includes('"ok"'));
    expect(pooled.received()).toMatch(/^HTTP\/1\.1 200/);
    expect(pooled.received()).not.toMatch(/connection: close/i);

    server.child.kill('SIGTERM');
    const p = server;
    await until('the SIGTERM line', () => p.output().includes('SIGTERM:'));
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining' });

    // A second into a 3 s delay (2 s to spare), new connections and notifications are still served.
    await sleep(1_000);
    const res = await fetch(`${url}/vk/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: getItem(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toEqual(ITEM_ANSWER);
    // The pooled connection's next answer tells it to go, and the server closes it.
    pooled.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await pooled.closed;
    expect(pooled.received().split('HTTP/1.1 200').length - 1).toBe(2);
    expect(pooled.received()).toMatch(/connection: close/i);

    // A notification whose body is still arriving when the delay ends is answered before the process exits.
    const body = getItem();
    const inFlight = await rawConnection(url);
    inFlight.socket.write(
      `POST /vk/payments HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await until('the end of the drain delay (new connections refused)', async () => !(await accepts(url)), 10_000);
    expect(server.child.exitCode).toBeNull();
    inFlight.socket.write(body.slice(10));
    await inFlight.closed;
    expect(inFlight.received()).toMatch(/^HTTP\/1\.1 200/);
    expect(JSON.parse(inFlight.received().split('\r\n\r\n')[1]!)).toEqual(ITEM_ANSWER);
    expect(await server.exited).toBe(0);
  });

  it('stops at once on Ctrl-C (SIGINT): a human has no balancer to wait for', async () => {
    db = await freshDatabase(DEFAULT_DIALECT);
    server = await startServerProcess(db.database, { ...AS_STARTED, VKP_DRAIN_DELAY: '60' });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    server.child.kill('SIGINT');
    expect(await exitWithin(server, 10_000)).toBe(0);
  });

  it('skips the rest of a SIGTERM drain delay on Ctrl-C', async () => {
    db = await freshDatabase(DEFAULT_DIALECT);
    server = await startServerProcess(db.database, { ...AS_STARTED, VKP_DRAIN_DELAY: '60' });
    server.child.kill('SIGTERM');
    const p = server;
    await until('/readyz 503', async () => (await fetch(`${p.url}/readyz`)).status === 503);
    expect(await exitWithin(server, 1_000)).toBe('still running');
    server.child.kill('SIGINT');
    expect(await exitWithin(server, 10_000)).toBe(0);
    expect(server.output()).toContain('SIGINT: skipping the rest of the drain delay');
  });
});
