/**
 * axe-core over the server's own `/admin` page, the whole page as a browser shows it (the widget's
 * shadow roots included, and the rules that judge a page, such as its level-one heading): the sign-in
 * form, then every tab of an app with data and of an empty one, in Russian and English, in the
 * system's light and dark scheme. No serious or critical violation may be found.
 *
 * The context bypasses the page's Content-Security-Policy so that axe can be injected; what the policy
 * allows is admin-page.test.ts's business.
 */
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, loadConfig, signParams, type VkPaymentsServer } from '@vk-payments/server';
import type { AxeResults } from 'axe-core';
import type { Browser, Page } from 'playwright';
import { launchChromium } from './chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = 'admin-a11y-root-token-0123456789';
const SECRET = 'AbCdEf0123456789XyZw';
const FULL = 6262;
const EMPTY = 6263;

let server: VkPaymentsServer;
let url: string;
let browser: Browser;
let axeSource: string;

async function gql(query: string): Promise<void> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

/** A purchase signed as VK signs it; `fields` override any. */
async function notify(fields: Record<string, string>): Promise<void> {
  const all = {
    app_id: String(FULL),
    item: 'gem_pack',
    item_price: '10',
    notification_type: 'order_status_change',
    order_id: String(Date.now()),
    status: 'chargeable',
    user_id: '321',
    version: '5.132',
    ...fields,
  };
  await (await fetch(`${url}/vk/payments`, { method: 'POST', body: new URLSearchParams(signParams(all, SECRET)) })).text();
}

beforeAll(async () => {
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const config = loadConfig({ PORT: '0', VKP_ADMIN_TOKEN: ROOT, VKP_DEMO: '0' });
  server = await createServer({
    ...config,
    database: { dialect: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'vkp-admin-a11y-')), 'db.sqlite') },
  });
  url = await server.listen();
  for (const [id, name] of [
    [FULL, 'Приложение с данными'],
    [EMPTY, 'Пустое приложение'],
  ] as const) {
    await gql(`mutation { createApp(input: {vkAppId: ${id}, name: "${name}", secretKey: "${SECRET}"}) { vkAppId } }`);
  }
  await gql(`mutation { upsertCatalogItem(vkAppId: ${FULL}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`);
  await notify({ order_id: '900001' });
  await notify({ order_id: '900002' });
  await notify({ order_id: '900002', status: 'refunded' });
  await notify({ order_id: '900003', item_price: '11' }); // refused: error 100
  await gql(`mutation { addPaymentTester(vkAppId: ${FULL}, vkUserId: 900004) { vkUserId } }`);

  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The serious and critical violations on the page now, one line per element, once nothing moves. */
async function seriousProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    await Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Infinity)
        .map((a) => a.finished),
    );
    const { axe } = window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } };
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}) at ${JSON.stringify(n.target)}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? v.help}`),
    );
}

/** Each tab and what shows that its view has loaded (CSS selectors pierce open shadow roots). */
const TABS = {
  settings: 'section[part~="testers"]',
  logs: '[part="pager"]',
  transactions: '[part="totals"]',
  deliveries: '[part="pager"]',
  stats: '.data:not(.stale) g.period',
  moderation: 'section[part~="requirements"]',
} as const;

async function signIn(page: Page, app: number): Promise<void> {
  await page.locator('input[name="token"]').fill(ROOT);
  await page.locator('input[name="app"]').fill(String(app));
  await page.locator('#login button').click();
  await page.locator('vk-payments-admin header h2').waitFor();
}

describe.each(['ru', 'en'] as const)('/admin in the %s locale', (locale) => {
  it.each(['light', 'dark'] as const)(
    'in the %s scheme: axe-core finds nothing serious on the sign-in form nor on any tab, with data and empty; the page has a level-one heading',
    async (scheme) => {
      const context = await browser.newContext({ viewport: { width: 1000, height: 800 }, colorScheme: scheme, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${url}/admin`);
      await page.locator('#locale').selectOption(locale);
      await page.locator('#login').waitFor();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('vk-payments');
      expect(await seriousProblems(page)).toEqual([]);

      for (const app of [FULL, EMPTY]) {
        await signIn(page, app);
        expect(await page.getByRole('heading', { level: 1 }).isVisible()).toBe(true);
        for (const [tab, ready] of Object.entries(TABS)) {
          await page.locator(`vk-payments-admin #tab-${tab}`).click();
          await page.locator(`vk-payments-admin [role="tabpanel"] ${ready}`).first().waitFor();
          expect({ app, tab, problems: await seriousProblems(page) }).toEqual({ app, tab, problems: [] });
        }
        await page.locator('#logout').click();
        await page.locator('#login').waitFor();
      }
      await context.close();
    },
  );
});

it('the sign-in form by keyboard alone: Tab reaches the language, the theme, both fields and the button, each showing its focus, and Enter signs in', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${url}/admin`);
  await page.locator('#login').waitFor();
  const reached: string[] = [];
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    reached.push(
      await page.evaluate(() => {
        const el = document.activeElement!;
        const style = getComputedStyle(el);
        const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
        return `${el.id || el.getAttribute('name') || el.localName}${ring ? '' : ' (no focus ring)'}`;
      }),
    );
  }
  expect(reached).toEqual(['locale', 'theme', 'token', 'app', 'button']);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.type(String(FULL));
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.type(ROOT);
  await page.keyboard.press('Enter');
  await page.locator('vk-payments-admin header h2').waitFor();
  await context.close();
});
