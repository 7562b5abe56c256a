/**
 * The developer's terminal against a remote server (README "The developer's terminal"): the built CLI in
 * its own process, talking to a real server over its public API only (GraphQL over HTTP and graphql-ws),
 * on both stores. (`pnpm test` builds first; run `pnpm -r build` before running this file alone.)
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { once } from 'node:events';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DIALECTS,
  freshDatabase,
  pendingDelivery,
  ROOT_TOKEN,
  SECRET,
  signed,
  startTestServer,
  until,
  type TestServer,
} from './helpers.js';
import { causeUntilHeard } from './live-events.js';
import { freePort, startServerProcess, type ServerProcess } from './processes.js';
import { validStandardWebhook } from './standard-webhooks.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** A command that ends: its exit code and output. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, VKP_URL: '', VKP_TOKEN: '', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

/** A command that runs until stopped (tail, listen), with what it printed so far. */
interface Running {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** Resolves with the exit code once it has exited by itself (or been stopped). */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

const running: Running[] = [];
function start(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const r: Running = {
    child,
    out: () => out,
    err: () => err,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      return exited;
    },
  };
  running.push(r);
  return r;
}
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

/** A local game backend: records every request, answers 200. */
async function localBackend(): Promise<{ url: string; got: { headers: IncomingHttpHeaders; body: string }[]; server: Server }> {
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('granted');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, got, server };
}

let orderCounter = 9_000;
/** A test purchase of `gem` (5 votes) in app `vkAppId`, with a new order id each time. */
const pay = (t: { notify: TestServer['notify'] }, vkAppId: number, user = 1) =>
  t.notify(
    signed({
      app_id: vkAppId,
      item: 'gem',
      notification_type: 'order_status_change_test',
      status: 'chargeable',
      item_price: 5,
      order_id: orderCounter++,
      user_id: user,
      version: '5.132',
    }),
  );

describe.each(DIALECTS)('on %s', (dialect) => {
  const APP = 83001; // API keys and deliveries
  const NO_ENDPOINT = 83002;
  const WITH_ENDPOINT = 83003;
  const FAILING = 83004; // its game backend never answers
  let t: TestServer;
  let root: Record<string, string>;

  const gql = async <T>(query: string, token = ROOT_TOKEN): Promise<T> => {
    const r = await t.gql<T>(query, {}, token);
    if (r.errors) throw new Error(`${query}: ${JSON.stringify(r.errors)}`);
    return r.data!;
  };

  beforeAll(async () => {
    // The local backends of these tests are on 127.0.0.1, which the operator has to allow for the server's own deliveries.
    // One retry, at once: a delivery to a closed port is failed within moments.
    t = await startTestServer(dialect, { VKP_ALLOW_PRIVATE_URLS: '127.0.0.1', VKP_FULFILMENT_RETRY_DELAYS: '0' });
    root = { VKP_URL: t.url, VKP_TOKEN: ROOT_TOKEN };
    for (const vkAppId of [APP, NO_ENDPOINT, WITH_ENDPOINT, FAILING]) {
      await gql(`mutation { createApp(input: {vkAppId: ${vkAppId}, name: "CLI ${vkAppId}", secretKey: "${SECRET}"}) { vkAppId } }`);
      await gql(`mutation { upsertCatalogItem(vkAppId: ${vkAppId}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`);
    }
  });
  afterAll(() => t?.close());

  describe('apikey', () => {
    it('creates a key whose token works, lists it, and revokes it so that the token no longer works', async () => {
      const created = await cli(
        ['apikey', 'create', '--app', String(APP), '--role', 'payments_admin', '--label', 'laptop', '--json'],
        root,
      );
      expect(created.code, created.err).toBe(0);
      const key = JSON.parse(created.out) as { id: string; token: string; role: string; label: string };
      expect(key).toMatchObject({ role: 'PAYMENTS_ADMIN', label: 'laptop' });
      await gql(`{ transactions(vkAppId: ${APP}) { totalCount } }`, key.token);

      const listed = await cli(['apikey', 'list', '--app', String(APP), '--json'], root);
      expect(listed.code, listed.err).toBe(0);
      const keys = listed.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; label: string; revokedAt: string | null });
      expect(keys).toContainEqual(expect.objectContaining({ id: key.id, label: 'laptop', revokedAt: null }));
      expect(listed.out).not.toContain(key.token);

      const revoked = await cli(['apikey', 'revoke', key.id], root);
      expect(revoked.code, revoked.err).toBe(0);
      expect(revoked.out).toContain(`revoked API key ${key.id}`);
      const after = await t.gql(`{ transactions(vkAppId: ${APP}) { totalCount } }`, {}, key.token);
      expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      // The revoked token on the command line: told apart from every other failure.
      const refused = await cli(['apikey', 'list', '--app', String(APP)], { VKP_URL: t.url, VKP_TOKEN: key.token });
      expect(refused.code).toBe(4);
      expect(refused.err).toContain('UNAUTHENTICATED');
    });

    it('says why it failed, with an exit code per cause: usage, unreachable, refused token, refused operation', async () => {
      const noUrl = await cli(['apikey', 'list', '--app', String(APP)], { VKP_TOKEN: ROOT_TOKEN });
      expect([noUrl.code, noUrl.err]).toEqual([2, expect.stringContaining('--url')]);
      const nobody = await cli(['apikey', 'list', '--app', String(APP)], {
        VKP_URL: `http://127.0.0.1:${await freePort()}`,
        VKP_TOKEN: ROOT_TOKEN,
      });
      expect([nobody.code, nobody.err]).toEqual([3, expect.stringContaining('cannot reach the server')]);
      const notOurs = await cli(['apikey', 'list', '--app', String(APP), '--url', `${t.url}/healthz`, '--token', ROOT_TOKEN]);
      expect(notOurs.code).toBe(3);
      const badToken = await cli(['apikey', 'list', '--app', String(APP)], { VKP_URL: t.url, VKP_TOKEN: 'vkp_not_a_token' });
      expect([badToken.code, badToken.err]).toEqual([4, expect.stringContaining('UNAUTHENTICATED')]);
      const { createApiKey } = await gql<{ createApiKey: { token: string } }>(
        `mutation { createApiKey(vkAppId: ${APP}, role: PAYMENTS_ADMIN, label: "cli") { token } }`,
      );
      const forbidden = await cli(['apikey', 'list', '--app', String(APP)], { VKP_URL: t.url, VKP_TOKEN: createApiKey.token });
      expect([forbidden.code, forbidden.err]).toEqual([1, expect.stringContaining('FORBIDDEN')]);
      // Secrets stay out of what is printed.
      expect(forbidden.err).not.toContain(createApiKey.token);
    });
  });

  describe('deliveries', () => {
    it('lists a delivery that could not be sent and resends it: it is due again now', async () => {
      const id = await pendingDelivery(t, APP, 'gem');
      const listed = await cli(['deliveries', 'list', '--app', String(APP), '--json'], root);
      expect(listed.code, listed.err).toBe(0);
      const rows = listed.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; eventType: string; status: string });
      expect(rows).toContainEqual(expect.objectContaining({ id, eventType: 'order.paid' }));
      const refunds = await cli(['deliveries', 'list', '--app', String(APP), '--event', 'order.refunded', '--json'], root);
      expect([refunds.code, refunds.out]).toEqual([0, '']);
      const table = await cli(['deliveries', 'list', '--app', String(APP)], root);
      expect(table.out).toMatch(new RegExp(`^${id}\\t(pending|failed)\\torder\\.paid\\tmsg_paid_`, 'm'));

      const before = new Date();
      const resent = await cli(['deliveries', 'resend', id], root);
      expect(resent.code, resent.err).toBe(0);
      expect(resent.out).toContain(`delivery ${id}`);
      const { fulfilmentDeliveries } = await gql<{
        fulfilmentDeliveries: { edges: { node: { id: string; status: string; nextAttemptAt: string } }[] };
      }>(`{ fulfilmentDeliveries(vkAppId: ${APP}) { edges { node { id status nextAttemptAt } } } }`);
      const node = fulfilmentDeliveries.edges.find((e) => e.node.id === id)!.node;
      expect(node.status).toBe('pending');
      expect(new Date(node.nextAttemptAt).getTime()).toBeGreaterThanOrEqual(before.getTime() - 1_000);

      const unknown = await cli(['deliveries', 'resend', '999999999'], root);
      expect([unknown.code, unknown.err]).toEqual([1, expect.stringContaining('NOT_FOUND')]);
    });
    it('resends every failed delivery of an app with --failed', async () => {
      await gql(
        `mutation { setFulfilmentEndpoint(vkAppId: ${FAILING}, input: {url: "http://127.0.0.1:${await freePort()}/hook"}) { signingSecret } }`,
      );
      await pay(t, FAILING);
      await pay(t, FAILING);
      type Row = { node: { status: string; attempts: number } };
      const rows = async (): Promise<Row[]> =>
        (
          await gql<{ fulfilmentDeliveries: { edges: Row[] } }>(
            `{ fulfilmentDeliveries(vkAppId: ${FAILING}) { edges { node { status attempts } } } }`,
          )
        ).fulfilmentDeliveries.edges;
      await until('both failed', async () => (await rows()).filter((r) => r.node.status === 'failed').length === 2);
      const resent = await cli(['deliveries', 'resend', '--failed', '--app', String(FAILING)], root);
      expect(resent.code, resent.err).toBe(0);
      expect(resent.out).toContain(`2 failed deliveries of app ${FAILING} due again now`);
      // Each got one attempt more (two before: the first and its one retry).
      await until('a third attempt each', async () => (await rows()).every((r) => r.node.attempts === 3 && r.node.status === 'failed'));
      const usage = await cli(['deliveries', 'resend', '--failed'], root);
      expect(usage.code).toBe(2);
    });
  });

  describe('listen', () => {
    it('without an endpoint: forwards each payment to the local backend, signed with the new secret it printed, and queues no delivery', async () => {
      const backend = await localBackend();
      try {
        const l = start(['listen', '--app', String(NO_ENDPOINT), '--forward-to', backend.url], root);
        const secret = await until('the secret', () => /^(whsec_\S+)$/m.exec(l.out())?.[1]);
        await causeUntilHeard(
          until('a forwarded event', () => backend.got.length > 0),
          () => pay(t, NO_ENDPOINT),
        );
        const [first] = backend.got;
        expect(validStandardWebhook(secret, first!.headers, first!.body)).toBe(true);
        expect(validStandardWebhook('whsec_' + Buffer.from('another key').toString('base64'), first!.headers, first!.body)).toBe(false);
        const event = JSON.parse(first!.body) as { type: string; data: { vkAppId: number; price: number; test: boolean } };
        expect(event).toMatchObject({ type: 'order.paid', data: { vkAppId: NO_ENDPOINT, price: 5, test: true } });
        expect(first!.headers['webhook-id']).toMatch(/^msg_paid_\d+$/);
        // It prints the event and the backend's answer.
        await until('the answer printed', () => l.out().includes(`order.paid  ${String(first!.headers['webhook-id'])}  → ✓ HTTP 200`));
        // Nothing is kept for a listener: no delivery exists without an endpoint.
        const { fulfilmentDeliveries } = await gql<{ fulfilmentDeliveries: { totalCount: number } }>(
          `{ fulfilmentDeliveries(vkAppId: ${NO_ENDPOINT}) { totalCount } }`,
        );
        expect(fulfilmentDeliveries.totalCount).toBe(0);
        expect(await l.stop()).toBe(0);
      } finally {
        backend.server.close();
      }
    });

    it('a backend answering 5 MB (and never finishing): listen prints a short excerpt at once and lets the answer go', async () => {
      let answers = 0;
      let droppedByListen = false;
      const backend = createServer((req, res) => {
        answers++;
        req.resume();
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write(`granted ${'x'.repeat(5 * 1024 * 1024)}`);
        res.on('close', () => (droppedByListen = true)); // never ended here: only listen can close it
      });
      backend.listen(0, '127.0.0.1');
      await once(backend, 'listening');
      try {
        const { port } = backend.address() as { port: number };
        const l = start(['listen', '--app', String(NO_ENDPOINT), '--forward-to', `http://127.0.0.1:${port}/hook`], root);
        await until('listening', () => l.err().includes('forwarding the events'));
        await causeUntilHeard(
          until('the excerpt', () => l.out().includes('← granted')),
          () => pay(t, NO_ENDPOINT),
        );
        const excerpt = l
          .out()
          .split('\n')
          .find((line) => line.includes('← granted'))!;
        expect(excerpt.trim()).toBe(`← granted ${'x'.repeat(200 - 'granted '.length)}`);
        await until('the answer dropped', () => droppedByListen);
        // Still responsive: the next event is forwarded too.
        const before = answers;
        await pay(t, NO_ENDPOINT);
        await until('the next event', () => answers > before);
        expect(await l.stop()).toBe(0);
      } finally {
        backend.closeAllConnections();
        backend.close();
      }
    });

    it("beside an endpoint: the server signs with the endpoint's secret, and the endpoint still gets its own delivery", async () => {
      const [local, endpoint] = await Promise.all([localBackend(), localBackend()]);
      try {
        const { setFulfilmentEndpoint } = await gql<{ setFulfilmentEndpoint: { signingSecret: string } }>(
          `mutation { setFulfilmentEndpoint(vkAppId: ${WITH_ENDPOINT}, input: {url: "${endpoint.url}"}) { signingSecret } }`,
        );
        const l = start(['listen', '--app', String(WITH_ENDPOINT), '--forward-to', local.url], root);
        await until('listening', () => l.err().includes('forwarding the events'));
        // The endpoint's secret is never printed: the server signs.
        expect(l.out() + l.err()).not.toContain(setFulfilmentEndpoint.signingSecret);
        await causeUntilHeard(
          until('a forwarded event', () => local.got.length > 0),
          () => pay(t, WITH_ENDPOINT),
        );
        const [forwarded] = local.got;
        expect(validStandardWebhook(setFulfilmentEndpoint.signingSecret, forwarded!.headers, forwarded!.body)).toBe(true);
        // The endpoint gets the same event (same id, same content) from the server, as a delivery of its own. (Its
        // bytes may differ: PostgreSQL's jsonb column hands the outbox's payload back with its keys reordered.)
        const delivered = await until('the delivery', () =>
          endpoint.got.find((g) => g.headers['webhook-id'] === forwarded!.headers['webhook-id']),
        );
        expect(JSON.parse(delivered.body)).toEqual(JSON.parse(forwarded!.body));
        const id = String(forwarded!.headers['webhook-id']);
        // One attempt, the endpoint's: forwarding to the listener is not one.
        const attempts = await until('the attempt recorded', async () => {
          const { fulfilmentDeliveries } = await gql<{
            fulfilmentDeliveries: { edges: { node: { eventId: string; attempts: number } }[] };
          }>(`{ fulfilmentDeliveries(vkAppId: ${WITH_ENDPOINT}, first: 100) { edges { node { eventId attempts } } } }`);
          return fulfilmentDeliveries.edges.find((e) => e.node.eventId === id)?.node.attempts;
        });
        expect(attempts).toBe(1);
        await l.stop();
      } finally {
        local.server.close();
        endpoint.server.close();
      }
    });

    it('with an endpoint and a token that may not sign with its secret: asks for --secret, and signs with the one given', async () => {
      const { createApiKey } = await gql<{ createApiKey: { token: string } }>(
        `mutation { createApiKey(vkAppId: ${WITH_ENDPOINT}, role: PAYMENTS_ADMIN, label: "listener") { token } }`,
      );
      const env = { VKP_URL: t.url, VKP_TOKEN: createApiKey.token };
      const refused = await cli(['listen', '--app', String(WITH_ENDPOINT), '--forward-to', 'http://127.0.0.1:9/hook'], env);
      expect([refused.code, refused.err]).toEqual([2, expect.stringContaining('--secret')]);

      const backend = await localBackend();
      try {
        const mine = 'whsec_' + Buffer.from('my own local secret, 32 bytes ok').toString('base64');
        const l = start(['listen', '--app', String(WITH_ENDPOINT), '--forward-to', backend.url, '--secret', mine], env);
        await until('listening', () => l.err().includes('forwarding the events'));
        await causeUntilHeard(
          until('a forwarded event', () => backend.got.length > 0),
          () => pay(t, WITH_ENDPOINT),
        );
        expect(validStandardWebhook(mine, backend.got[0]!.headers, backend.got[0]!.body)).toBe(true);
        await l.stop();
      } finally {
        backend.server.close();
      }
    });
  });
});

describe.each(DIALECTS)('logs tail on %s', (dialect) => {
  const APP = 83101;
  let server: ServerProcess;
  let port: number;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const env = (): Record<string, string> => ({ PORT: String(port), VKP_ADMIN_TOKEN: ROOT_TOKEN });
  const notify = async (fields: Record<string, string | number>): Promise<void> => {
    await fetch(`${server.url}/vk/payments`, { method: 'POST', body: new URLSearchParams(signed(fields)) });
  };
  const getItem = (user: number) =>
    notify({ app_id: APP, item: 'gem', notification_type: 'get_item_test', user_id: user, version: '5.132' });

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    port = await freePort();
    server = await startServerProcess(db.database, env());
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
      body: JSON.stringify({
        query: `mutation { createApp(input: {vkAppId: ${APP}, name: "Tail", secretKey: "${SECRET}"}) { vkAppId } }`,
      }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await server?.kill();
    await db?.drop();
  });

  it('prints each notification the filter lets through as it comes, and after the server restarts says so, reconnects and goes on', async () => {
    const tail = start(['logs', 'tail', '--app', String(APP), '--type', 'get_item', '--test'], {
      VKP_URL: server.url,
      VKP_TOKEN: ROOT_TOKEN,
    });
    const lines = (): string[] => tail.out().split('\n').filter(Boolean);
    await causeUntilHeard(
      until('a line', () => lines().length > 0),
      () => getItem(7),
    );
    expect(lines()[0]).toMatch(/^\S+Z {2}get_item_test {2}- {2}user 7 {2}error 20: .* {2}\d+\.\d ms/);

    // Filtered out: another type, then one that passes, which comes after it.
    await notify({ app_id: APP, item: 'gem', notification_type: 'get_subscription_test', user_id: 8, version: '5.132' });
    await getItem(9);
    await until('user 9', () => tail.out().includes('user 9'));
    expect(tail.out()).not.toContain('get_subscription');

    await server.kill();
    await until('the loss said', () => /connection lost; reconnecting in/.test(tail.err()));
    server = await startServerProcess(db.database, env());
    // Right after the restart, maybe before the tail is back: printed once, live or caught up.
    await getItem(10);
    await until('reconnected', () => tail.err().includes('reconnected'), 20_000);
    await causeUntilHeard(
      until('a line after the restart', () => tail.out().includes('user 11')),
      () => getItem(11),
    );
    await until('user 10', () => tail.out().includes('user 10'));
    expect(lines().filter((l) => l.includes('user 10'))).toHaveLength(1);
    expect(await tail.stop()).toBe(0);
  });

  it('an unsigned notification carrying terminal escapes prints them visibly, never raw', async () => {
    const tail = start(['logs', 'tail', '--app', String(APP)], { VKP_URL: server.url, VKP_TOKEN: ROOT_TOKEN });
    // Anyone may POST this, unsigned, to the public endpoint: an OSC 52 (writes the clipboard) and an "erase the line".
    const hostile = { app_id: String(APP), notification_type: '\x1b]52;c;aGk=\x07get_item', order_id: '\x1b[2K77', user_id: '14' };
    await causeUntilHeard(
      until('a line', () => tail.out().includes('\n')),
      () => fetch(`${server.url}/vk/payments`, { method: 'POST', body: new URLSearchParams(hostile) }),
    );
    const line = tail.out().split('\n')[0]!;
    expect(line).toContain('\\x1b]52;c;aGk=\\x07get_item');
    // eslint-disable-next-line no-control-regex -- the point: none of them raw
    expect(tail.out() + tail.err()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    await tail.stop();
  });

  it('--json prints one JSON object per notification', async () => {
    const tail = start(['logs', 'tail', '--app', String(APP), '--user', '12', '--json'], { VKP_URL: server.url, VKP_TOKEN: ROOT_TOKEN });
    await causeUntilHeard(
      until('a line', () => tail.out().includes('\n')),
      () => getItem(12),
    );
    const row = JSON.parse(tail.out().split('\n')[0]!) as {
      rawType: string;
      vkUserId: number;
      ok: boolean;
      errorCode: number;
      request: object;
    };
    expect(row).toMatchObject({ rawType: 'get_item_test', vkUserId: 12, ok: false, errorCode: 20 });
    await tail.stop();
  });

  it('ends with exit code 4 when its token is revoked while it streams, instead of reconnecting', async () => {
    const root = async <T>(query: string): Promise<T> => {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
        body: JSON.stringify({ query }),
      });
      return ((await res.json()) as { data: T }).data;
    };
    const { createApiKey } = await root<{ createApiKey: { token: string; apiKey: { id: string } } }>(
      `mutation { createApiKey(vkAppId: ${APP}, role: PAYMENTS_ADMIN, label: "tail") { token apiKey { id } } }`,
    );
    const tail = start(['logs', 'tail', '--app', String(APP), '--user', '13'], { VKP_URL: server.url, VKP_TOKEN: createApiKey.token });
    await causeUntilHeard(
      until('a line', () => tail.out().includes('user 13')),
      () => getItem(13),
    );
    await root(`mutation { revokeApiKey(id: "${createApiKey.apiKey.id}") { id } }`);
    expect(await tail.exited).toBe(4);
    expect(tail.err()).toContain('UNAUTHENTICATED');
    expect(tail.err()).not.toContain('reconnecting');
  });

  it('refuses at once, without retrying, when the token is refused', async () => {
    const r = await cli(['logs', 'tail', '--app', String(APP)], { VKP_URL: server.url, VKP_TOKEN: 'vkp_wrong' });
    expect([r.code, r.err]).toEqual([4, expect.stringContaining('UNAUTHENTICATED')]);
  });
});

describe('--url over plain http', () => {
  /** This machine's address on a network interface (not loopback), if it has one. */
  const lanAddress = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

  it('to a host that is not this machine: exits 2 without connecting, and never prints the password in the URL', async () => {
    // TEST-NET-1: never routed, so any attempt to connect would hang, not fail fast.
    const r = await cli(['apikey', 'list', '--app', '1'], { VKP_URL: 'http://ops:hunter2@192.0.2.1', VKP_TOKEN: 'vkp_secret_token' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('--insecure');
    expect(r.out + r.err).not.toContain('hunter2');
  });

  it.skipIf(!lanAddress)('with --insecure: it sends the request there, and still never prints the password', async () => {
    const got: string[] = [];
    const server = createServer((req, res) => {
      got.push(String(req.headers.authorization));
      res.writeHead(404).end('no');
    });
    server.listen(0, '0.0.0.0');
    await once(server, 'listening');
    try {
      const { port } = server.address() as { port: number };
      const url = `http://ops:hunter2@${lanAddress}:${port}`;
      const refused = await cli(['apikey', 'list', '--app', '1'], { VKP_URL: url, VKP_TOKEN: 'vkp_secret_token' });
      expect(refused.code).toBe(2);
      expect(got).toEqual([]);
      const r = await cli(['apikey', 'list', '--app', '1', '--insecure'], { VKP_URL: url, VKP_TOKEN: 'vkp_secret_token' });
      expect(got).toEqual(['Bearer vkp_secret_token']);
      expect(r.code).toBe(3); // not a vk-payments server
      expect(r.out + r.err).not.toContain('hunter2');
    } finally {
      server.close();
    }
  });
});
