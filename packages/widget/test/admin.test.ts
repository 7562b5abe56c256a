/**
 * `<vk-payments-admin>` in real Chromium against the real server that global-setup.ts started and
 * seeded. Locators pierce the open shadow root, so the tests look for what a person would see.
 */
import { afterEach, expect, inject, test } from 'vitest';
import { page, type Locator } from 'vitest/browser';
import '../src/admin/admin.js';
import type { VkpErrorEvent } from '../src/events.js';
import type { VkPaymentsAdmin } from '../src/index.js';
import { SEED } from './fixtures.js';

let mounted = 0;

function mount(attributes: Record<string, string> = {}): { el: VkPaymentsAdmin; view: Locator } {
  const el = document.createElement('vk-payments-admin');
  // A test id of its own, so locators keep two elements on one page apart.
  el.dataset.testid = `admin-${++mounted}`;
  el.setAttribute('endpoint', inject('vkpEndpoint'));
  el.setAttribute('app-id', String(inject('vkpAppId')));
  el.setAttribute('token', inject('vkpToken'));
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  document.body.append(el);
  return { el, view: page.getByTestId(el.dataset.testid) };
}

function partStyle(el: VkPaymentsAdmin, part: string): CSSStyleDeclaration {
  const node = el.shadowRoot?.querySelector(`[part~="${part}"]`);
  if (!node) throw new Error(`no part ${part}`);
  return getComputedStyle(node);
}

afterEach(() => {
  document.body.replaceChildren();
});

test('shows the app name and the purchase made through VK', async () => {
  const { el, view } = mount();

  await expect.element(view.getByRole('heading', { name: SEED.appName })).toBeVisible();
  const purchase = view.getByRole('row').filter({ hasText: SEED.itemTitle });
  await expect.element(purchase).toHaveTextContent(`id${SEED.vkUserId}`);
  await expect.element(purchase).toHaveTextContent('10');
  await expect.element(purchase).toHaveTextContent('Оплачен');
  await expect.element(purchase.getByTitle('Тестовый платёж', { exact: false })).toHaveTextContent('тест');
  // The address to paste into VK's panel points at this server's notification route.
  await expect.element(view.getByText('/vk/payments', { exact: false })).toBeVisible();

  await page.screenshot({ element: el, path: '__screenshots__/admin-ru-light.png' });
});

test('explains a missing or expired token instead of a blank view', async () => {
  const events: VkpErrorEvent[] = [];
  const listener = (event: VkpErrorEvent): void => void events.push(event);
  // Listening on document proves the event bubbles out of the shadow root (composed).
  document.addEventListener('vkp-error', listener);
  try {
    const { view } = mount({ token: 'a-token-the-server-never-issued' });

    await expect.element(view.getByRole('alert')).toHaveTextContent('Токен отсутствует или истёк');
    expect(events.map((e) => e.detail.code)).toEqual(['UNAUTHENTICATED']);
    expect(events[0]?.detail.message).toBeTypeOf('string');
  } finally {
    document.removeEventListener('vkp-error', listener);
  }
});

test('speaks English when locale is en', async () => {
  const { el, view } = mount({ locale: 'en' });

  await expect.element(view.getByRole('heading', { name: 'Latest payments' })).toBeVisible();
  await expect.element(view.getByRole('columnheader', { name: 'Votes' })).toBeVisible();
  await expect.element(view.getByRole('row').filter({ hasText: SEED.itemTitle })).toHaveTextContent('Paid');
  expect(el.shadowRoot?.querySelector('[part="base"]')?.getAttribute('lang')).toBe('en');

  await page.screenshot({ element: el, path: '__screenshots__/admin-en-light.png' });
});

test('uses the dark palette with theme=dark', async () => {
  const light = mount({ theme: 'light' });
  const dark = mount({ theme: 'dark' });
  await expect.element(light.view.getByRole('heading', { name: SEED.appName })).toBeVisible();
  await expect.element(dark.view.getByRole('heading', { name: SEED.appName })).toBeVisible();

  const [lightBase, darkBase] = [partStyle(light.el, 'base'), partStyle(dark.el, 'base')];
  expect(darkBase.backgroundColor).not.toBe(lightBase.backgroundColor);
  expect(darkBase.color).not.toBe(lightBase.color);
  expect(partStyle(dark.el, 'badge').backgroundColor).not.toBe(partStyle(light.el, 'badge').backgroundColor);

  await page.screenshot({ element: dark.el, path: '__screenshots__/admin-ru-dark.png' });
});
