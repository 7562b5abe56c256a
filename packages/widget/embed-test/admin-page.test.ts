/**
 * The server's own `/admin` page as an operator and an attacker see it, in real Chromium at the top
 * level (the page refuses to be framed, so it cannot run inside vitest's browser iframe): a real
 * server on a fresh SQLite file, real VK notifications, Debian's Chromium driven by Playwright.
 *
 * What must hold (issue #10 §8): the page's Content-Security-Policy is never violated while signing
 * in and using every view, and it is enforced (an injected script does not run); after sign-in the
 * token is in no attribute or text of the document, shadow roots included; the form is hidden and
 * who is signed in is shown; "Sign out" shows the form again; the page is dark in the dark scheme.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, loadConfig, signParams, type VkPaymentsServer } from '@vk-payments/server';
import type { Browser, BrowserContextOptions, Page } from 'playwright';
import { launchChromium } from './chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = 'admin-page-root-token-0123456789';
const SECRET = 'AbCdEf0123456789XyZw';
const APP = 6161;
const APP_NAME = 'Admin page app';
const shot = (name: string): string => fileURLToPath(new URL(`./__screenshots__/${name}.png`, import.meta.url));

let server: VkPaymentsServer;
let url: string;
let browser: Browser;
let keyToken: string;

async function gql<T>(token: string, query: string): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** A purchase exactly as VK sends it (docs/protocol.md §1): form-encoded and signed with the app's secret. */
async function buy(orderId: string, userId = 321): Promise<void> {
  const fields = {
    app_id: String(APP),
    item: 'gem_pack',
    item_price: '10',
    notification_type: 'order_status_change_test',
    order_id: orderId,
    status: 'chargeable',
    user_id: String(userId),
    version: '5.132',
  };
  const answer = await (
    await fetch(`${url}/vk/payments`, { method: 'POST', body: new URLSearchParams(signParams(fields, SECRET)) })
  ).text();
  if (!answer.includes('"app_order_id"')) throw new Error(`the purchase was not accepted: ${answer}`);
}

beforeAll(async () => {
  const config = loadConfig({ PORT: '0', VKP_ADMIN_TOKEN: ROOT, VKP_DEMO: '0' });
  server = await createServer({
    ...config,
    database: { dialect: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'vkp-admin-page-')), 'db.sqlite') },
  });
  url = await server.listen();
  await gql(ROOT, `mutation { createApp(input: {vkAppId: ${APP}, name: "${APP_NAME}", secretKey: "${SECRET}"}) { vkAppId } }`);
  await gql(ROOT, `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`);
  ({
    createApiKey: { token: keyToken },
  } = await gql<{ createApiKey: { token: string } }>(
    ROOT,
    `mutation { createApiKey(vkAppId: ${APP}, role: PAYMENTS_ADMIN, label: "game backend") { token } }`,
  ));
  await buy('800001');

  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Watched {
  page: Page;
  /** Every `securitypolicyviolation` the page fired, as "directive blocked-uri sample". */
  violations: () => Promise<string[]>;
  /** Script errors and console errors. */
  problems: string[];
}

/**
 * A fresh browser context (its own sessionStorage) and page on which every CSP violation is recorded
 * from the first byte: the listener is installed before any script of the page runs. The event is
 * composed, so violations inside the widget's shadow roots reach the document too.
 */
async function open(options: BrowserContextOptions = {}): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 }, ...options });
  await context.addInitScript(() => {
    const seen: string[] = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`.trim()));
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  // The browser's own favicon probe (404) is not ours.
  page.on('console', (msg) => msg.type() === 'error' && !msg.text().startsWith('Failed to load resource') && problems.push(msg.text()));
  page.on('response', (res) => res.status() >= 400 && !res.url().endsWith('/favicon.ico') && problems.push(`${res.status()} ${res.url()}`));
  return {
    page,
    problems,
    violations: () => page.evaluate(() => [...((window as unknown as { __cspViolations: string[] }).__cspViolations ?? [])]),
  };
}

/**
 * Where `needle` occurs in the document: any attribute, text or comment, the title, the URL, a form
 * field's value — walking into every shadow root. Empty when it is nowhere.
 */
function findInDocument(page: Page, needle: string): Promise<string[]> {
  return page.evaluate((needle) => {
    const hits: string[] = [];
    const visit = (node: Node, path: string): void => {
      if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.COMMENT_NODE) {
        if (node.nodeValue?.includes(needle)) hits.push(`text in ${path}`);
        return;
      }
      if (node instanceof Element) {
        path = `${path} > ${node.localName}`;
        for (const a of node.attributes) if (a.value.includes(needle) || a.name.includes(needle)) hits.push(`${path}[${a.name}]`);
        if ((node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement) && node.value.includes(needle))
          hits.push(`${path} value`);
        if (node.shadowRoot) visit(node.shadowRoot, `${path}::shadow`);
      }
      for (const child of node.childNodes) visit(child, path);
    };
    visit(document, '');
    if (location.href.includes(needle)) hits.push('location');
    if (document.title.includes(needle)) hits.push('title');
    return hits;
  }, needle);
}

const admin = (page: Page) => page.locator('vk-payments-admin');
const signedInAs = async (page: Page, text: string | RegExp): Promise<void> => {
  await expect.poll(() => page.locator('#who').textContent(), { timeout: 15_000 }).toMatch(text);
  await expect.poll(() => admin(page).getByRole('heading', { name: APP_NAME }).isVisible(), { timeout: 15_000 }).toBe(true);
};

async function signIn(page: Page, token: string, app = APP): Promise<void> {
  await page.locator('input[name="token"]').fill(token);
  await page.locator('input[name="app"]').fill(String(app));
  await page.locator('#login button').click();
}

/** Opens `tab` and waits for its view's `heading`, with no error shown. */
async function openTab(page: Page, tab: string, heading: string): Promise<void> {
  await admin(page).getByRole('tab', { name: tab }).click();
  const panel = admin(page).getByRole('tabpanel');
  await expect.poll(() => panel.getByRole('heading', { name: heading, exact: true }).isVisible(), { timeout: 15_000 }).toBe(true);
  await expect.poll(() => panel.getByRole('button').first().isVisible()).toBe(true);
  expect(await panel.getByRole('alert').count()).toBe(0);
}

describe('/admin', () => {
  it('signing in hides the form, shows who is signed in, keeps the token out of the document; every view works under the CSP; sign out shows the form again', async () => {
    const { page, problems, violations } = await open();
    await page.goto(`${url}/admin`);
    await expect.poll(() => page.locator('#login').isVisible()).toBe(true);
    expect(await admin(page).count()).toBe(0);

    await signIn(page, ROOT);
    await signedInAs(page, `Вход: корневой токен · приложение ${APP}`);
    expect(await page.locator('#login').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Выйти' }).isVisible()).toBe(true);

    // Settings: the notification URL and a payment tester, saved through the widget's forms.
    const panel = admin(page).getByRole('tabpanel');
    const notificationUrl = `https://game.example.com/vk/${Date.now()}`;
    await panel.locator('input[name="notificationUrl"]').fill(notificationUrl);
    await panel.locator('input[name="notificationUrl"]').press('Enter');
    await expect
      .poll(
        async () =>
          (await gql<{ app: { notificationUrl: string } }>(ROOT, `{ app(vkAppId: ${APP}) { notificationUrl } }`)).app.notificationUrl,
      )
      .toBe(notificationUrl);
    const tester = 880000 + (Date.now() % 100000);
    await panel.locator('input[name="vkUserId"]').fill(String(tester));
    await panel.locator('input[name="vkUserId"]').press('Enter');
    await expect.poll(() => panel.getByText(String(tester)).first().isVisible()).toBe(true);

    // Logs, live over graphql-ws (connect-src 'self'): the tester buys while the log is open.
    await openTab(page, 'Логи', 'Журнал уведомлений');
    await panel.getByRole('switch', { name: 'В реальном времени' }).check();
    await expect.poll(() => panel.getByText('Новые запросы появятся сверху').isVisible(), { timeout: 15_000 }).toBe(true);
    let arrived = '';
    for (let attempt = 0; attempt < 5 && !arrived; attempt++) {
      const order = `${Date.now()}${attempt}`;
      await buy(order, tester);
      await expect
        .poll(() => panel.getByText(order).first().isVisible(), { timeout: 2_000 })
        .toBe(true)
        .then(() => (arrived = order))
        .catch(() => undefined); // subscribed a moment after the ack: try again
    }
    expect(arrived).not.toBe('');

    // Transactions, with the test payments shown, and a CSV download (a blob: link).
    await openTab(page, 'Транзакции', 'Транзакции');
    await panel.getByRole('checkbox').first().check();
    await expect.poll(() => panel.getByText(arrived).first().isVisible(), { timeout: 15_000 }).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), panel.locator('[part="csv"]').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);

    // Stats: the chart's tooltip is positioned through the CSSOM, never a style attribute.
    await openTab(page, 'Статистика', 'Статистика платежей');
    await panel.locator('[part="chart"]').hover();
    await expect.poll(() => panel.locator('[part="tooltip"]').isVisible()).toBe(true);

    await openTab(page, 'Оплата голосами', 'Оплата голосами');
    await openTab(page, 'Настройки', 'Настройки');

    // English: the page's own texts and the identity line follow.
    await page.locator('#locale').selectOption('en');
    await signedInAs(page, `Signed in: root token · app ${APP}`);
    await expect.poll(() => admin(page).getByRole('tab', { name: 'Transactions' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);

    expect(await findInDocument(page, ROOT)).toEqual([]);
    expect(await violations()).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.locator('#login').isVisible()).toBe(true);
    expect(await page.locator('#login h2').textContent()).toBe('Sign in to the payments panel');
    expect(await admin(page).count()).toBe(0);
    expect(await page.locator('#who').isVisible()).toBe(false);
    expect(await page.evaluate(() => ({ ...sessionStorage }))).not.toHaveProperty('vkp.token');
    // Forgotten: a reload shows the form, not the widget.
    await page.reload();
    await expect.poll(() => page.locator('#login').isVisible()).toBe(true);
    expect(await admin(page).count()).toBe(0);

    expect(await violations()).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('takes a token from #token=… once, removes it from the address bar, and stays signed in on reload; a key shows its label and role', async () => {
    const { page, problems, violations } = await open();
    await page.goto(`${url}/admin#token=${encodeURIComponent(keyToken)}&app=${APP}`);
    await signedInAs(page, `Вход: ключ «game backend», администратор платежей · приложение ${APP}`);
    expect(page.url()).toBe(`${url}/admin`);
    expect(await findInDocument(page, keyToken)).toEqual([]);

    await page.reload();
    await signedInAs(page, 'ключ «game backend»');
    expect(await findInDocument(page, keyToken)).toEqual([]);
    expect(await violations()).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a refused token shows the form again with the reason, and is not kept', async () => {
    const { page, violations } = await open();
    await page.goto(`${url}/admin`);
    await signIn(page, 'made-up-token-0123456789abcdef');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Токен не подошёл');
    expect(await page.locator('#login').isVisible()).toBe(true);
    expect(await admin(page).count()).toBe(0);
    expect(await page.evaluate(() => ({ ...sessionStorage }))).not.toHaveProperty('vkp.token');
    expect(await violations()).toEqual([]);
    await page.context().close();
  });

  it('enforces its policy: a script injected into the page does not run, and the violation is reported', async () => {
    const { page, violations } = await open();
    await page.goto(`${url}/admin`);
    await expect.poll(() => page.locator('#login').isVisible()).toBe(true);
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { injected?: boolean };
      // What an HTML injection would bring: an inline script and an inline handler.
      const holder = document.createElement('div');
      try {
        holder.innerHTML = '<img src="/nothing" onerror="window.injected = true">'; // refused: not a TrustedHTML
      } catch {
        // Trusted Types threw
      }
      document.body.append(holder);
      const img = document.createElement('img');
      try {
        img.setAttribute('onerror', 'window.injected = true');
      } catch {
        // Trusted Types threw
      }
      img.src = '/nothing.png';
      document.body.append(img);
      const script = document.createElement('script');
      try {
        script.text = 'window.injected = true';
      } catch {
        // Trusted Types threw
      }
      document.body.append(script);
      await new Promise((r) => setTimeout(r, 300));
      return w.injected === true;
    });
    expect(ran).toBe(false);
    expect((await violations()).length).toBeGreaterThan(0);
    await page.context().close();
  });

  it('cannot be framed by another page', async () => {
    const { page } = await open();
    // Another origin (the same server by another name) tries to frame the admin.
    await page.goto(`${url.replace('127.0.0.1', 'localhost')}/healthz`);
    await page.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      document.body.append(frame);
    }, `${url}/admin`);
    await page.waitForTimeout(1_000);
    const framed = page.frames().find((f) => f !== page.mainFrame());
    expect(framed).toBeDefined();
    expect(await framed!.locator('#login').count()).toBe(0);
    await page.context().close();
  });

  describe.each(['ru', 'en'] as const)('in the %s locale', (locale) => {
    it.each(['light', 'dark'] as const)(
      "follows the system's %s scheme, page and widget, and the theme switch overrides it",
      async (scheme) => {
        const { page, violations } = await open({ colorScheme: scheme });
        await page.goto(`${url}/admin`);
        await page.locator('#locale').selectOption(locale);
        const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
        const formBackground = () => page.evaluate(() => getComputedStyle(document.getElementById('login')!).backgroundColor);
        const widgetBackground = () =>
          admin(page).evaluate((el) => getComputedStyle(el.shadowRoot!.querySelector('[part="base"]')!).backgroundColor);
        const PAGE = { light: 'rgb(242, 243, 245)', dark: 'rgb(10, 10, 10)' };
        const WIDGET = { light: 'rgb(255, 255, 255)', dark: 'rgb(25, 25, 26)' };
        const other = scheme === 'dark' ? 'light' : 'dark';

        // The sign-in form is not a white box in the dark.
        expect(await background()).toBe(PAGE[scheme]);
        expect(await formBackground()).toBe(WIDGET[scheme]);
        await page.screenshot({ path: shot(`admin-${locale}-${scheme}-form`) });

        await signIn(page, ROOT);
        await signedInAs(page, locale === 'en' ? 'Signed in: root token' : 'Вход: корневой токен');
        await expect.poll(widgetBackground).toBe(WIDGET[scheme]);
        expect(await background()).toBe(PAGE[scheme]);
        await page.screenshot({ path: shot(`admin-${locale}-${scheme}`) });

        await page.locator('#theme').selectOption(other);
        await expect.poll(background).toBe(PAGE[other]);
        await expect.poll(widgetBackground).toBe(WIDGET[other]);
        await page.locator('#theme').selectOption('');
        await expect.poll(background).toBe(PAGE[scheme]);
        await expect.poll(widgetBackground).toBe(WIDGET[scheme]);
        expect(await violations()).toEqual([]);
        await page.context().close();
      },
    );
  });
});
