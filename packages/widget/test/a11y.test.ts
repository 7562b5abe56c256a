/**
 * axe-core over every view as an operator meets it, in Russian and English, light and dark: with data
 * (payments, a refund, a refused request and a test one, an opened log row, the test notification's
 * panel, a URL check, a tester, a pending application before a moderator, the stats' chart and table)
 * and empty (an app with nothing yet). No serious or critical violation may be found.
 *
 * Two apps of this file's own, so what other test files change on the seeded app is not what is
 * checked here. The one with data uses the seeded secret, so `buy` (signed with it) pays into it.
 * With data at a desktop width (tables as tables), empty on a phone (tables as cards).
 *
 * Then the keyboard, in the same states: Tab alone reaches every control a mouse can use (a row of
 * tabs and the chart's periods are one Tab stop each, moved within by the arrow keys, as their own
 * tests show), and each one, once reached, shows where the focus is.
 */
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../src/admin/admin.js';
// The views are lazy chunks of the shell; mounted on their own here, each is loaded up front.
import '../src/views/logs/logs.js';
import '../src/views/moderation/moderation.js';
import '../src/views/stats/stats.js';
import '../src/views/transactions/transactions.js';
import '../src/views/deliveries/deliveries.js';
import { seriousProblems } from './axe.js';
import { describeEl, scrollsSideways, sticksOut } from './layout.js';
import { SEED } from './fixtures.js';
import { buy, mount, newOrderId, newUserId, rootGql } from './mount.js';

const FULL = 7101;
const EMPTY = 7102;

async function createApp(vkAppId: number, name: string): Promise<void> {
  await rootGql(
    `mutation($name: String!, $secret: String!) { createApp(input: { vkAppId: ${vkAppId}, name: $name, secretKey: $secret }) { vkAppId } }`,
    { name, secret: SEED.secretKey },
  );
}

async function submitApplication(): Promise<string> {
  const input = {
    platforms: ['ANDROID', 'WEB'],
    appDescription: 'A puzzle game where players grow a garden of crystals.',
    paidFeatures: 'Packs of gems that speed the garden up.',
  };
  const d = await rootGql<{ r: { id: string } }>(
    `mutation($input: ModerationRequestInput!) { r: submitModerationRequest(vkAppId: ${FULL}, input: $input) { id } }`,
    { input },
  );
  return d.r.id;
}

beforeAll(async () => {
  await createApp(EMPTY, 'Пустое приложение');
  await createApp(FULL, 'Приложение с данными');
  await rootGql(`mutation { upsertCatalogItem(vkAppId: ${FULL}, input: { itemId: "gem_pack", title: "Gem pack", price: 10 }) { itemId } }`);
  // A game backend that is not there (a closed port): the deliveries of the payments below fail.
  await rootGql(`mutation { setFulfilmentEndpoint(vkAppId: ${FULL}, input: { url: "http://127.0.0.1:9/vk-grant" }) { signingSecret } }`);
  const user = newUserId(1_100_000_000);
  const [paid, refunded] = [newOrderId(), newOrderId()];
  expect(await buy(user, paid, { app_id: FULL })).toContain('app_order_id');
  expect(await buy(user, refunded, { app_id: FULL })).toContain('app_order_id');
  expect(await buy(user, refunded, { app_id: FULL, status: 'refunded' })).toContain('app_order_id');
  expect(await buy(user, newOrderId(), { app_id: FULL, item_price: 11 })).toContain('"error_code"');
  expect(await buy(user, newOrderId(), { app_id: FULL, notification_type: 'order_status_change_test' })).toContain('app_order_id');
  const { app } = await rootGql<{ app: { settings: { endpointUrl: string } } }>(`{ app(vkAppId: ${FULL}) { settings { endpointUrl } } }`);
  await rootGql(`mutation($url: String) { updatePaymentSettings(vkAppId: ${FULL}, input: { notificationUrl: $url }) { vkAppId } }`, {
    url: app.settings.endpointUrl,
  });
  await rootGql(`mutation { addPaymentTester(vkAppId: ${FULL}, vkUserId: 900003) { vkUserId } }`);
  await rootGql(`mutation { withdrawModerationRequest(id: "${await submitApplication()}") { id } }`);
  await submitApplication(); // pending: the root token sees the moderator's approve and reject too
});

afterEach(async () => {
  document.body.replaceChildren();
  await page.viewport(360, 720);
});

type Root = ShadowRoot;

/** Waits until `selector` matches in `root` (`count` times at least) and returns the first match. */
async function find(root: Root, selector: string, count = 1): Promise<HTMLElement> {
  await expect.poll(() => root.querySelectorAll(selector).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
  return root.querySelector<HTMLElement>(selector)!;
}

/** A click on an element found by selector (Playwright's locator for a log row's button does not resolve: its name holds CSS alt text). */
const click = (el: Element): void => (el as HTMLElement).click();

/** Puts each view in the state to check, `data` or empty, and resolves when it is on screen and settled. */
const SCENES: Record<
  string,
  {
    tag:
      | 'vk-payments-settings'
      | 'vk-payments-logs'
      | 'vk-payments-transactions'
      | 'vk-payments-deliveries'
      | 'vk-payments-stats'
      | 'vk-payments-moderation'
      | 'vk-payments-admin';
    ready: (root: Root, data: boolean) => Promise<void>;
  }
> = {
  settings: {
    tag: 'vk-payments-settings',
    async ready(root, data) {
      await find(root, 'section[part~="testers"]');
      if (!data) return;
      click(root.querySelector('section[part~="url"] button.secondary')!);
      await find(root, '[part="check-result"]');
    },
  },
  logs: {
    tag: 'vk-payments-logs',
    async ready(root, data) {
      if (!data) return void (await find(root, 'td.empty'));
      await find(root, 'tr[part="row"]', 4);
      click(root.querySelector('tr[part="row"] button.expand')!);
      await find(root, 'tr[part="details"]');
      click(root.querySelector('button[aria-controls="simulate"]')!);
      await find(root, '#simulate:not([hidden])');
    },
  },
  transactions: {
    tag: 'vk-payments-transactions',
    async ready(root, data) {
      await find(root, data ? 'tr[part="row"]' : 'td.empty', data ? 2 : 1);
      await find(root, '[part="totals"]');
    },
  },
  deliveries: {
    tag: 'vk-payments-deliveries',
    async ready(root, data) {
      await find(root, data ? 'tr[part="row"]' : 'td.empty', data ? 3 : 1);
      if (!data) return;
      click(root.querySelector('tr[part="row"] button.expand')!); // its attempt log
      await find(root, '[part="attempt"]');
      click(root.querySelector('button[part="resend-all"]:not(:disabled)')!); // the confirmation
      await find(root, '#confirm-all:not([hidden])');
      await expect.poll(() => root.querySelector('vk-payments-fulfilment-endpoint')?.shadowRoot?.querySelector('form')).toBeTruthy();
    },
  },
  stats: {
    tag: 'vk-payments-stats',
    async ready(root, data) {
      await find(root, 'g.period', 30);
      await find(root, '.data:not(.stale)');
      if (!data) return void (await find(root, 'p.empty'));
      root.querySelector<SVGElement>('g.period[tabindex="0"]')!.focus(); // today's tooltip open
      await find(root, '[part="tooltip"]');
    },
  },
  moderation: {
    tag: 'vk-payments-moderation',
    async ready(root, data) {
      await find(root, 'section[part~="requirements"]');
      if (!data) return void (await find(root, '#not-ready'));
      await find(root, '[part="decide"]');
      click(root.querySelector('section[part~="history"] summary')!);
    },
  },
  admin: {
    tag: 'vk-payments-admin',
    async ready(root) {
      await find(root, 'header h2');
      const settings = root.querySelector('vk-payments-settings');
      await expect.poll(() => settings?.shadowRoot?.querySelector('section[part~="testers"]')).toBeTruthy();
    },
  },
};

const CASES = (['ru', 'en'] as const).flatMap((locale) =>
  (['light', 'dark'] as const).flatMap((theme) =>
    [true, false].map((data) => ({ locale, theme, data, state: data ? 'with data' : 'empty' })),
  ),
);

describe.each(Object.keys(SCENES))('axe-core finds nothing serious in %s', (name) => {
  test.each(CASES)('$locale, $theme, $state', async ({ locale, theme, data }) => {
    const { tag, ready } = SCENES[name]!;
    if (data) await page.viewport(1024, 720);
    const { el } = mount(tag, { locale, theme, 'app-id': String(data ? FULL : EMPTY) });
    await ready(el.shadowRoot!, data);
    // Nothing fading in or out: contrast is judged on the colours people end up seeing.
    await Promise.all(
      el
        .shadowRoot!.getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Infinity)
        .map((a) => a.finished),
    );
    expect(await seriousProblems(el)).toEqual([]);
    if (name === 'stats' && data) {
      click(el.shadowRoot!.querySelectorAll('.bar .seg button')[1]!); // the table instead of the chart
      await find(el.shadowRoot!, '[part="table"] tfoot');
      expect(await seriousProblems(el)).toEqual([]);
    }
  });
});

/** The element that has the focus, looked for through shadow roots. */
function focused(): Element | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

/** True when `el` is `host` or lies in it, through shadow roots. */
function within(el: Element, host: Element): boolean {
  for (let at: Node | null = el; at; at = at instanceof ShadowRoot ? at.host : at.parentNode) if (at === host) return true;
  return false;
}

/** Every control in `root` (shadow roots included) that Tab should reach: shown, enabled, in the tab order. */
function controls(root: ParentNode): Element[] {
  const found: Element[] = [];
  for (const el of root.querySelectorAll('*')) {
    if (el instanceof HTMLElement || el instanceof SVGElement) {
      if (
        el.tabIndex >= 0 &&
        !(el as HTMLButtonElement).disabled &&
        el.getClientRects().length &&
        getComputedStyle(el).visibility === 'visible'
      )
        found.push(el);
    }
    if (el.shadowRoot) found.push(...controls(el.shadowRoot));
  }
  return found;
}

/** How `el` shows that it has the focus: an outline, or the highlighted frame of a chart period. */
function focusMark(el: Element): string {
  const style = getComputedStyle(el);
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) return 'outline';
  const frame = el.querySelector('.hit');
  return frame && getComputedStyle(frame).stroke !== 'none' ? 'frame' : 'none';
}

const label = (el: Element): string =>
  `${describeEl(el)} "${(el.textContent ?? '').trim().slice(0, 30) || el.getAttribute('aria-label') || el.getAttribute('name') || ''}"`;

describe.each(Object.keys(SCENES))('the keyboard in %s', (name) => {
  test.each([
    { data: true, state: 'with data' },
    { data: false, state: 'empty' },
  ])('$state: Tab alone reaches every control, and each shows its focus', async ({ data }) => {
    const { tag, ready } = SCENES[name]!;
    if (data) await page.viewport(1024, 720);
    const { el } = mount(tag, { 'app-id': String(data ? FULL : EMPTY) });
    await ready(el.shadowRoot!, data);
    // From a button just before the element, as a person tabbing in from the host page.
    const before = document.createElement('button');
    before.textContent = 'before';
    el.before(before);
    before.focus();
    const all = controls(el.shadowRoot!);
    expect(all.length).toBeGreaterThan(2);
    const trail: string[] = [];
    const reached = new Map<Element, string>();
    // Until the focus leaves the element (a date input takes a Tab per part: day, month, year).
    for (let i = 0; i < 4 * all.length + 5; i++) {
      await userEvent.keyboard('{Tab}');
      const at = focused();
      trail.push(at ? label(at) : 'none');
      if (!at || !within(at, el)) break;
      reached.set(at, `${reached.get(at) ?? ''} ${focusMark(at)}`.trim());
    }
    expect(all.filter((c) => !reached.has(c)).map(label), trail.join(' → ')).toEqual([]);
    // A date input takes the focus in its day, month and year, then in the browser's own calendar
    // button, which the browser marks itself, out of the page's reach: its parts must show the focus.
    const unmarked = ([c, mark]: [Element, string]): boolean =>
      c instanceof HTMLInputElement && c.type === 'date' ? !mark.startsWith('outline') : mark.includes('none');
    expect([...reached].filter(unmarked).map(([c, mark]) => `${label(c)}: ${mark}`)).toEqual([]);
  });
});

describe.each(Object.keys(SCENES))('%s at 420 px', (name) => {
  test("with data, nothing sticks out or scrolls sideways (but the shell's row of tabs)", async () => {
    const { tag, ready } = SCENES[name]!;
    await page.viewport(420, 720);
    const { el } = mount(tag, { 'app-id': String(FULL) });
    await ready(el.shadowRoot!, true);
    // The shell's six tabs do not fit 420 px: the row scrolls, as VK's own tab rows do on a phone,
    // and the arrow keys bring each tab into view.
    const scrolling = name === 'admin' ? ['div.tabs[part="tabs"]'] : [];
    expect([sticksOut(el, scrolling), scrollsSideways(el)]).toEqual([[], scrolling]);
  });
});
