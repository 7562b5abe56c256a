/**
 * Runs in Node before the browser tests: starts the REAL vk-payments server on a fresh SQLite file,
 * seeds it through its public API (GraphQL, then a signed VK notification), and hands the browser
 * what it needs through `provide`. The port comes from vitest.config.ts, which proxies `/graphql` to it.
 *
 * The server package resolves to its built dist: build it first (`pnpm -r build`, as `pnpm test` does).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { TestProject } from 'vitest/node';
import { createServer, loadConfig, signParams, type VkPaymentsServer } from '@vk-payments/server';
import { SEED, TEST_TOKEN } from './fixtures.js';

async function graphql(serverUrl: string, query: string): Promise<void> {
  const response = await fetch(`${serverUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  if (!response.ok || body.errors) throw new Error(`seeding failed: ${query}\n${JSON.stringify(body)}`);
}

/** Where vitest.config.ts's `vkpDropSockets` command finds the function below (one Node process). */
const DROP_SOCKETS = Symbol.for('vkp.test.dropSockets');

/** Records the server's upgraded (WebSocket) connections, so that a test can have them all cut. */
function dropSocketsOf(server: VkPaymentsServer): void {
  const sockets = new Set<Duplex>();
  server.http.server.on('upgrade', (_req, socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  Object.assign(globalThis, {
    [DROP_SOCKETS]: (): number => {
      const n = sockets.size;
      for (const socket of sockets) socket.destroy();
      return n;
    },
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = process.env.VKP_WIDGET_TEST_PORT;
  if (!port) throw new Error('VKP_WIDGET_TEST_PORT is unset: vitest.config.ts picks it');

  const dir = await mkdtemp(join(tmpdir(), 'vkp-widget-test-'));
  let server: VkPaymentsServer | undefined;
  const teardown = async (): Promise<void> => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const config = {
      // The Deliveries view's game backend listens on 127.0.0.1 (test/game-backend.ts), which the operator
      // has to allow; one quick retry, so a refused event is failed within a second. No API rate limit: every
      // test file spends the one root token, far beyond 600 a minute; the limit has its own server tests.
      ...loadConfig({
        PORT: port,
        VKP_ADMIN_TOKEN: TEST_TOKEN,
        VKP_DEMO: '0',
        VKP_ALLOW_PRIVATE_URLS: '127.0.0.1',
        VKP_FULFILMENT_RETRY_DELAYS: '0.1',
        VKP_RATE_LIMIT: '0',
      }),
      database: { dialect: 'sqlite' as const, path: join(dir, 'db.sqlite') },
    };
    server = await createServer(config);
    const serverUrl = await server.listen();
    dropSocketsOf(server);

    await graphql(
      serverUrl,
      `mutation { createApp(input: { vkAppId: ${SEED.vkAppId}, name: "${SEED.appName}", secretKey: "${SEED.secretKey}" }) { vkAppId } }`,
    );
    await graphql(
      serverUrl,
      `mutation { upsertCatalogItem(vkAppId: ${SEED.vkAppId}, input: { itemId: "gem_pack", title: "${SEED.itemTitle}", price: 10 }) { itemId } }`,
    );

    // A test purchase exactly as VK would send it (docs/protocol.md §1): form-encoded and signed.
    const fields = {
      app_id: String(SEED.vkAppId),
      item: 'gem_pack',
      item_price: '10',
      notification_type: 'order_status_change_test',
      order_id: '1001',
      receiver_id: '1',
      status: 'chargeable',
      user_id: String(SEED.vkUserId),
      version: '5.132',
    };
    const answer = await fetch(`${serverUrl}/vk/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(signParams(fields, SEED.secretKey)),
    });
    const text = await answer.text();
    if (!text.includes('"app_order_id"')) throw new Error(`the purchase was not accepted: ${text}`);
  } catch (err) {
    await teardown();
    throw err;
  }

  project.provide('vkpEndpoint', '/graphql');
  project.provide('vkpToken', TEST_TOKEN);
  project.provide('vkpAppId', SEED.vkAppId);
  return teardown;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Same-origin GraphQL URL; vite proxies it to the real server. */
    vkpEndpoint: string;
    vkpToken: string;
    vkpAppId: number;
  }
}
