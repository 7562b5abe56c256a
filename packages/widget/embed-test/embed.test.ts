/**
 * The "done when", as a test: a plain HTML page on another origin (another port) embeds the
 * self-contained module with a widget session minted by the tiny backend of examples/embed, and every
 * view works there. Real server, real host backend process, real Chromium (Debian's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, loadConfig, signParams, type VkPaymentsServer } from '@vk-payments/server';
import type { Browser, Page } from 'playwright';
import { launchChromium } from './chromium.js';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = 'embed-test-root-token-0123456789';
const SECRET = 'AbCdEf0123456789XyZw';
const APP = 5151;
const EXAMPLE = fileURLToPath(new URL('../../../examples/embed/backend.mjs', import.meta.url));
// Saved under the git-ignored folder; docs/widget-embedded.png is a copy of one for the README.
const SCREENSHOT = fileURLToPath(new URL('./__screenshots__/widget-embedded.png', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function gql<T>(url: string, token: string, query: string): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

let server: VkPaymentsServer;
let host: ChildProcess;
let hostUrl: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const hostPort = await freePort();
  hostUrl = `http://127.0.0.1:${hostPort}`;
  const config = loadConfig({ PORT: '0', VKP_ADMIN_TOKEN: ROOT, VKP_DEMO: '0', VKP_CORS_ORIGINS: hostUrl });
  server = await createServer({
    ...config,
    database: { dialect: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'vkp-embed-')), 'db.sqlite') },
  });
  const vkpUrl = await server.listen();

  await gql(vkpUrl, ROOT, `mutation { createApp(input: {vkAppId: ${APP}, name: "Embedded app", secretKey: "${SECRET}"}) { vkAppId } }`);
  await gql(
    vkpUrl,
    ROOT,
    `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`,
  );
  const { createApiKey } = await gql<{ createApiKey: { token: string } }>(
    vkpUrl,
    ROOT,
    `mutation { createApiKey(vkAppId: ${APP}, role: PAYMENTS_ADMIN, label: "host backend") { token } }`,
  );
  const purchase = {
    app_id: String(APP),
    item: 'gem_pack',
    item_price: '10',
    notification_type: 'order_status_change',
    order_id: '700001',
    status: 'chargeable',
    user_id: '321',
    version: '5.132',
  };
  await fetch(`${vkpUrl}/vk/payments`, { method: 'POST', body: new URLSearchParams(signParams(purchase, SECRET)) });

  host = spawn(process.execPath, [EXAMPLE], {
    env: { ...process.env, VKP_URL: vkpUrl, VKP_KEY: createApiKey.token, VKP_APP: String(APP), PORT: String(hostPort) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    host.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('host page on') && resolve());
    host.once('exit', (code) => reject(new Error(`the host backend exited with ${code}`)));
  });

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
});

afterAll(async () => {
  await browser?.close();
  host?.kill();
  await server?.close();
});

it('works on another origin with a session minted by the host backend: every view, no error', async () => {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  // Failed requests are judged by their URL below (the browser's own favicon probe is not ours).
  page.on('console', (msg) => msg.type() === 'error' && !msg.text().startsWith('Failed to load resource') && problems.push(msg.text()));
  page.on('response', (res) => res.status() >= 400 && !res.url().endsWith('/favicon.ico') && problems.push(`${res.status()} ${res.url()}`));
  // The files fetched from /widget/: the entry, the chunks it imports, and each view's chunk (`logs-<hash>.js`).
  const fetched: string[] = [];
  page.on('request', (req) => {
    const file = /\/widget\/([^/?#]+)$/.exec(req.url())?.[1];
    if (file) fetched.push(file);
  });
  const chunkOf = (view: string): boolean => fetched.some((file) => new RegExp(`^${view}-[A-Z0-9]{8}\\.js$`).test(file));
  await page.goto(hostUrl);

  const admin = page.locator('vk-payments-admin');
  await expect.poll(() => admin.getByRole('heading', { name: 'Embedded app' }).isVisible()).toBe(true);
  // Settings shows first; no other view's code has been fetched yet.
  for (const view of ['logs', 'transactions', 'deliveries', 'stats', 'moderation']) expect(chunkOf(view), view).toBe(false);
  // Each tab, the heading its view shows once it has loaded, and its chunk (none: in the entry).
  const views: [string, string, string?][] = [
    ['Настройки', 'Настройки'],
    ['Логи', 'Журнал уведомлений', 'logs'],
    ['Транзакции', 'Транзакции', 'transactions'],
    ['Доставки', 'Доставки', 'deliveries'],
    ['Статистика', 'Статистика платежей', 'stats'],
    ['Оплата голосами', 'Оплата голосами', 'moderation'],
  ];
  for (const [tab, heading, chunk] of views) {
    await admin.getByRole('tab', { name: tab }).click();
    const panel = admin.getByRole('tabpanel');
    // The view has loaded (its heading is there) and shows no error.
    await expect.poll(() => panel.getByRole('heading', { name: heading, exact: true }).isVisible()).toBe(true);
    await expect.poll(() => panel.getByRole('button').first().isVisible()).toBe(true);
    expect(await panel.getByRole('alert').count()).toBe(0);
    if (chunk) expect(chunkOf(chunk), chunk).toBe(true);
  }
  await admin.getByRole('tab', { name: 'Транзакции' }).click();
  await expect.poll(() => admin.getByRole('tabpanel').getByText('Gem pack').first().isVisible()).toBe(true);
  await page.screenshot({ path: SCREENSHOT });
  expect(problems).toEqual([]);
});
