import { createServer } from 'node:net';
import { playwright } from '@vitest/browser-playwright';
import type { BrowserCommand } from 'vitest/node';
import { defineConfig } from 'vitest/config';
import { SEED } from './test/fixtures.js';
import { vkpGameBackend } from './test/game-backend.js';
import { oneGraphql } from './vitest.one-graphql.js';

/** A port the OS just called free. Another process could take it before the server binds; on a test box that is rare enough. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/*
 * Why a proxy, and a port chosen here: the test page is served by vitest on its own origin and the
 * real server has no CORS (and the widget's tests must not change the server). So vite proxies
 * `/graphql` to the server and the element uses the same-origin endpoint `/graphql`. The proxy target
 * must be known when vite starts, before globalSetup runs, so the port is picked now and handed to
 * globalSetup (same Node process) through the environment. `??=` keeps one port if this file is
 * evaluated twice.
 */
process.env.VKP_WIDGET_TEST_PORT ??= String(await freePort());
const serverUrl = `http://127.0.0.1:${process.env.VKP_WIDGET_TEST_PORT}`;

/**
 * Runs in Node when a browser test calls it (`commands.vkpNotify(fields)`): signs a notification
 * exactly as VK does — MD5 with the app's secret, which the browser has no business holding — and
 * posts it to the real server. Returns the answer's text.
 */
const vkpNotify: BrowserCommand<[fields: Record<string, string | number>]> = async (_ctx, fields) => {
  const { signParams } = await import('@vk-payments/server');
  const strings = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)]));
  const res = await fetch(`${serverUrl}/vk/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(signParams(strings, SEED.secretKey)),
  });
  return res.text();
};

/** Runs in Node: has the server cut its WebSocket connections (test/global-setup.ts records them). */
const vkpDropSockets: BrowserCommand<[]> = () => {
  const drop = (globalThis as { [key: symbol]: unknown })[Symbol.for('vkp.test.dropSockets')];
  if (typeof drop !== 'function') throw new Error('test/global-setup.ts has not started the server');
  return (drop as () => number)();
};

export default defineConfig({
  resolve: { alias: oneGraphql },
  // Known before the first test file loads them: found later, vite would reload the page mid-run.
  optimizeDeps: { include: ['graphql-ws/client', 'axe-core'] },
  // Same-origin paths for the page under test, proxied to the real server (WebSocket too, for the live log).
  server: {
    proxy: {
      '/graphql': { target: serverUrl, ws: true },
      '/export': serverUrl,
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      // The narrowest screen the widget must stay readable on (a phone in VK's mobile web).
      viewport: { width: 360, height: 720 },
      provider: playwright({
        launchOptions: {
          // Debian's Chromium, not a downloaded one: the test machines cannot fetch browsers.
          executablePath: '/usr/bin/chromium',
          args: [
            '--no-sandbox', // runs as root
            '--headless',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            // Without these Chromium keeps retrying a network it cannot reach.
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      }),
      commands: { vkpNotify, vkpDropSockets, vkpGameBackend },
      instances: [
        {
          browser: 'chromium',
          // Here and not at the top level: vitest 4.1.12 runs a top-level globalSetup twice, once for the
          // root project and once for this instance, and the second server cannot bind the same port.
          globalSetup: ['test/global-setup.ts'],
        },
      ],
    },
  },
});
