/**
 * The whole path as an operator walks it, on the server's own `/admin` page (the real page and the
 * real bundle it serves, in an iframe on the same origin): set the notification URL, add a tester,
 * a purchase arrives from VK, it shows in Logs and in Transactions; then English, then dark.
 */
import { expect, inject, test } from 'vitest';
import { commands } from 'vitest/browser';
import { SEED } from './fixtures.js';
import { rootGql } from './mount.js';

/** The first element matching `selector` anywhere below `root`, through open shadow roots. */
function deep<E extends Element = HTMLElement>(root: Document | Element | ShadowRoot, selector: string): E | null {
  const here = root.querySelector<E>(selector);
  if (here) return here;
  for (const el of root.querySelectorAll('*')) {
    const found = el.shadowRoot ? deep<E>(el.shadowRoot, selector) : null;
    if (found) return found;
  }
  return null;
}

/** All text shown below `root`, through open shadow roots. */
function text(root: Element | ShadowRoot): string {
  let out = '';
  for (const node of root.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) out += node.textContent;
    // nodeType, not instanceof: the page's nodes come from the iframe's realm.
    else if (node.nodeType === Node.ELEMENT_NODE) {
      const el = node as Element;
      out += ` ${text(el)} ${el.shadowRoot ? text(el.shadowRoot) : ''}`;
    }
  }
  return out.replace(/\s+/g, ' ');
}

async function fill(form: HTMLFormElement, name: string, value: string): Promise<void> {
  const input = form.elements.namedItem(name) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  form.requestSubmit();
}

test('an operator on /admin sets the URL, adds a tester, and sees a purchase in Logs and Transactions; English; dark', async () => {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 360px; height: 700px; border: 0';
  frame.src = `/admin#token=${encodeURIComponent(inject('vkpToken'))}&app=${SEED.vkAppId}`;
  document.body.append(frame);
  const doc = (): Document => frame.contentDocument!;
  const admin = (): Element => doc().querySelector('vk-payments-admin')!;
  const shows = (needle: string) => expect.poll(() => (doc()?.querySelector('vk-payments-admin') ? text(admin().shadowRoot ?? admin()) : ''), { timeout: 10_000 }).toContain(needle);
  const tab = (name: string): void => [...admin().shadowRoot!.querySelectorAll<HTMLButtonElement>('[role="tab"]')].find((b) => b.textContent?.trim() === name)!.click();

  await shows(SEED.appName);

  // Settings: the notification URL and a payment tester.
  const url = `https://game.example.com/vk/${Date.now()}`;
  await expect.poll(() => deep(admin().shadowRoot!, 'input[name="notificationUrl"]')).not.toBeNull();
  await fill(deep<HTMLInputElement>(admin().shadowRoot!, 'input[name="notificationUrl"]')!.form!, 'notificationUrl', url);
  await expect.poll(async () => (await rootGql<{ app: { notificationUrl: string } }>(`{ app(vkAppId: ${SEED.vkAppId}) { notificationUrl } }`)).app.notificationUrl).toBe(url);
  const tester = 880000 + (Date.now() % 100000);
  await fill(deep<HTMLInputElement>(admin().shadowRoot!, 'input[name="vkUserId"]')!.form!, 'vkUserId', String(tester));
  await shows(String(tester));

  // VK: the tester buys the gem pack.
  const orderId = String(Date.now());
  const answer = await commands.vkpNotify({ app_id: SEED.vkAppId, item: 'gem_pack', item_price: 10, notification_type: 'order_status_change_test', order_id: orderId, status: 'chargeable', user_id: tester, version: '5.132' });
  expect(answer).toContain('"app_order_id"');

  tab('Логи');
  await shows(orderId);
  tab('Транзакции');
  await shows('Зачисления');
  // Test payments are shown once "show test payments" is on.
  await expect.poll(() => deep(admin().shadowRoot!, 'input[type="checkbox"]')).not.toBeNull();
  const showTest = deep<HTMLInputElement>(admin().shadowRoot!, 'input[type="checkbox"]')!;
  showTest.click();
  showTest.form?.requestSubmit();
  await shows(orderId);

  // The page's own switches: English, then dark.
  const locale = doc().getElementById('locale') as HTMLSelectElement;
  locale.value = 'en';
  locale.dispatchEvent(new Event('change'));
  await shows('Transactions');
  await shows('Settings');
  const theme = doc().getElementById('theme') as HTMLSelectElement;
  theme.value = 'dark';
  theme.dispatchEvent(new Event('change'));
  await expect.poll(() => admin().getAttribute('theme')).toBe('dark');
  await expect.poll(() => getComputedStyle(admin().shadowRoot!.querySelector('[part="base"]')!).backgroundColor).toBe('rgb(25, 25, 26)');
  frame.remove();
});
