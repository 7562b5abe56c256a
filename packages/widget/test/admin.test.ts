/**
 * The `<vk-payments-admin>` shell in real Chromium against the real server global-setup.ts started:
 * tabs, roles, auth states, language and theme. Each view has its own test file in test/views/.
 */
import { afterEach, expect, inject, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../src/admin/admin.js';
import type { VkpErrorEvent, VkpViewChangeEvent } from '../src/events.js';
import { SEED } from './fixtures.js';
import { keyFor, mount, screenshot } from './mount.js';

afterEach(() => {
  document.body.replaceChildren();
});

test("shows the app with one tab per section of VK's Payments panel, settings open first", async () => {
  const { view } = mount('vk-payments-admin');
  await expect.element(view.getByRole('heading', { name: SEED.appName })).toBeVisible();
  const tabs = view.getByRole('tab');
  await expect.element(tabs.first()).toHaveAttribute('aria-selected', 'true');
  expect(tabs.elements().map((t) => t.textContent?.trim())).toEqual([
    'Настройки',
    'Логи',
    'Транзакции',
    'Доставки',
    'Статистика',
    'Оплата голосами',
  ]);
});

test('switching tabs opens the view and fires vkp-view-change, with the mouse and with arrow keys', async () => {
  const { el, view } = mount('vk-payments-admin');
  const changes: string[] = [];
  el.addEventListener('vkp-view-change', (e: VkpViewChangeEvent) => changes.push(e.detail.view));
  await view.getByRole('tab', { name: 'Логи' }).click();
  await expect.element(view.getByRole('tab', { name: 'Логи' })).toHaveAttribute('aria-selected', 'true');
  // The view's code arrives when its tab first opens.
  await expect.poll(() => el.shadowRoot?.querySelector('vk-payments-logs')).not.toBeNull();
  await userEvent.keyboard('{ArrowRight}');
  await expect.element(view.getByRole('tab', { name: 'Транзакции' })).toHaveAttribute('aria-selected', 'true');
  expect(changes).toEqual(['logs', 'transactions']);
});

test('opens the tab named by the view attribute', async () => {
  const { view } = mount('vk-payments-admin', { view: 'stats' });
  await expect.element(view.getByRole('tab', { name: 'Статистика' })).toHaveAttribute('aria-selected', 'true');
});

/** Every place in `root` (shadow roots included) whose attribute or text holds `needle`. */
function occurrences(root: Node, needle: string): string[] {
  const hits: string[] = [];
  if (root.nodeType === Node.TEXT_NODE || root.nodeType === Node.COMMENT_NODE) return root.nodeValue?.includes(needle) ? ['text'] : [];
  if (root instanceof Element) {
    for (const a of root.attributes) if (a.value.includes(needle)) hits.push(`${root.localName}[${a.name}]`);
    if (root.shadowRoot) hits.push(...occurrences(root.shadowRoot, needle));
  }
  for (const child of root.childNodes) hits.push(...occurrences(child, needle));
  return hits;
}

test('a token given as an attribute or a property never stays in the document: taken into memory, never reflected or shown', async () => {
  const asAttribute = mount('vk-payments-admin');
  const asProperty = mount('vk-payments-admin', { token: null });
  asProperty.el.token = inject('vkpToken');
  for (const { view } of [asAttribute, asProperty]) await expect.element(view.getByRole('heading', { name: SEED.appName })).toBeVisible();
  await asAttribute.view.getByRole('tab', { name: 'Логи' }).click();
  await expect.element(asAttribute.view.getByRole('heading', { name: 'Журнал уведомлений' })).toBeVisible();
  expect(asAttribute.el.hasAttribute('token')).toBe(false);
  expect(asAttribute.el.token).toBe(inject('vkpToken'));
  expect(occurrences(document.body, inject('vkpToken'))).toEqual([]);
  // A new token set as an attribute later is taken the same way, and used.
  asAttribute.el.setAttribute('token', 'vkp_ws_made-up-later');
  expect(asAttribute.el.hasAttribute('token')).toBe(false);
  await expect.element(asAttribute.view.getByRole('alert').first()).toHaveTextContent('Токен отсутствует или истёк');
  expect(occurrences(document.body, 'vkp_ws_made-up-later')).toEqual([]);
});

test('explains a missing or expired token instead of a blank view, and fires vkp-error', async () => {
  const { el, view } = mount('vk-payments-admin', { token: 'vkp_ws_expired-or-made-up' });
  const errors: string[] = [];
  el.addEventListener('vkp-error', (e: VkpErrorEvent) => errors.push(e.detail.code));
  await expect.element(view.getByRole('alert')).toHaveTextContent('Токен отсутствует или истёк');
  expect(errors).toEqual(['UNAUTHENTICATED']);
});

test('asks fetchToken for a token, and again when the server says it expired', async () => {
  const el = document.createElement('vk-payments-admin');
  el.dataset.testid = 'fetch-token';
  el.setAttribute('endpoint', '/graphql');
  el.setAttribute('app-id', String(SEED.vkAppId));
  const good = await keyFor('PAYMENTS_ADMIN');
  const handed: string[] = [];
  // First a token the server refuses (as an expired session would be), then a good one.
  const tokens = ['vkp_ws_expired', good];
  el.fetchToken = () => {
    const next = tokens.shift() ?? good;
    handed.push(next);
    return Promise.resolve(next);
  };
  document.body.append(el);
  await expect.element(page.getByTestId('fetch-token').getByRole('heading', { name: SEED.appName })).toBeVisible();
  expect(handed).toEqual(['vkp_ws_expired', good]);
});

test('a moderator sees only the votes-payments application; a viewer is told why there is nothing', async () => {
  const moderator = mount('vk-payments-admin', { token: await keyFor('MODERATOR') });
  await expect.element(moderator.view.getByRole('tab', { name: 'Оплата голосами' })).toBeVisible();
  expect(moderator.view.getByRole('tab').elements()).toHaveLength(1);

  const viewer = mount('vk-payments-admin', { token: await keyFor('VIEWER') });
  await expect.element(viewer.view.getByRole('alert')).toHaveTextContent('Нет доступа');
});

test('speaks English with locale="en"', async () => {
  const { view } = mount('vk-payments-admin', { locale: 'en' });
  await expect.element(view.getByRole('tab', { name: 'Transactions' })).toBeVisible();
  await expect.element(view.getByText(`VK app ${SEED.vkAppId}`)).toBeVisible();
});

test('uses the dark palette with theme="dark", and passes it to the open view', async () => {
  const light = mount('vk-payments-admin', { theme: 'light' });
  const dark = mount('vk-payments-admin', { theme: 'dark' });
  await expect.element(dark.view.getByRole('heading', { name: SEED.appName })).toBeVisible();
  await expect.element(light.view.getByRole('heading', { name: SEED.appName })).toBeVisible();
  const bg = (el: HTMLElement): string => getComputedStyle(el.shadowRoot!.querySelector('[part="base"]')!).backgroundColor;
  expect(bg(dark.el)).not.toBe(bg(light.el));
  expect(dark.el.shadowRoot?.querySelector('vk-payments-settings')?.getAttribute('theme')).toBe('dark');
  await screenshot(light.view, 'admin-light');
  await screenshot(dark.view, 'admin-dark');
});
