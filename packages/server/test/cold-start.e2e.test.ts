/**
 * A restart serves VK first (http/server.ts): /readyz says ready only once /vk/payments answers, and
 * the admin API, loaded just after, makes what comes sooner wait for it instead of failing — GraphQL
 * over HTTP, over WebSocket, and the CSV export. A real server process on a migrated database, probed
 * from the moment it is spawned; the order of events is asserted, never a duration.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase, ROOT_TOKEN, SECRET, secretsEnv, signed, wsClient, type TestDatabase } from './helpers.js';
import { databaseUrl, freePort, startServerProcess } from './processes.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const ENDPOINT_MODULES = fileURLToPath(new URL('./fixtures/endpoint-modules.mjs', import.meta.url));
const APP = 65001;

describe.each(DIALECTS)('a restart on %s', (dialect) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    // A database in use: migrated, with an app and an item.
    const first = await startServerProcess(db.database, { VKP_ADMIN_TOKEN: ROOT_TOKEN });
    const gql = (query: string) =>
      fetch(`${first.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
        body: JSON.stringify({ query }),
      });
    await gql(`mutation { createApp(input: {vkAppId: ${APP}, name: "Cold", secretKey: "${SECRET}"}) { vkAppId } }`);
    await gql(`mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`);
    await first.kill();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('answers VK as soon as /readyz says ready, and the API requests that come right then wait for the API', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [CLI, 'serve'], {
      env: {
        ...process.env,
        PORT: String(port),
        VKP_DEMO: '0',
        VKP_ADMIN_TOKEN: ROOT_TOKEN,
        DATABASE_URL: databaseUrl(db.database),
        ...secretsEnv(db.database),
      },
      stdio: 'ignore',
    });
    const exited = once(child, 'exit');
    try {
      // Polled from the spawn on: the first 200.
      for (;;) {
        const status = await fetch(`${url}/readyz`).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200) break;
        expect(child.exitCode).toBeNull();
        await new Promise((r) => setTimeout(r, 5));
      }

      const auth = { authorization: `Bearer ${ROOT_TOKEN}` };
      const ws = wsClient(url, ROOT_TOKEN);
      const [item, overHttp, overWs, csv] = await Promise.all([
        fetch(`${url}/vk/payments`, {
          method: 'POST',
          body: new URLSearchParams(signed({ app_id: APP, user_id: 5, notification_type: 'get_item', item: 'gem_pack', version: '5.132' })),
        }).then((r) => r.json()),
        fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: JSON.stringify({ query: '{ apps { vkAppId } }' }),
        }).then(async (r) => ({ status: r.status, body: await r.json() })),
        new Promise((resolve, reject) =>
          ws.subscribe({ query: '{ apps { vkAppId } }' }, { next: resolve, error: reject, complete: () => undefined }),
        ),
        fetch(`${url}/export/transactions.csv?vkAppId=${APP}`, { headers: auth }).then((r) => ({
          status: r.status,
          type: r.headers.get('content-type'),
        })),
      ]);
      await ws.dispose();

      expect(item).toEqual({ response: { title: 'Gem pack', price: 10, item_id: 'gem_pack' } });
      expect(overHttp).toEqual({ status: 200, body: { data: { apps: [{ vkAppId: APP }] } } });
      expect(overWs).toEqual({ data: { apps: [{ vkAppId: APP }] } });
      expect(csv).toEqual({ status: 200, type: 'text/csv; charset=utf-8' });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 30_000);

  it('is ready without loading the ORM or GraphQL: they load after /readyz (a fast cold start)', async () => {
    // Any static import of the ORM from the endpoint's modules (the bus once read a constant from
    // orm.ts) loads MikroORM and every migration before the first answer to VK.
    const child = spawn(process.execPath, [ENDPOINT_MODULES, '@mikro-orm', 'type-graphql', '@apollo'], {
      env: { ...process.env, VKP_DEMO: '0', DATABASE_URL: databaseUrl(db.database), ...secretsEnv(db.database) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ readyz: 200, loaded: [] });
  }, 30_000);
});
