/**
 * The views outside the entry module (src/lazy-views.ts) in real Chromium: their code is fetched only
 * when needed, by the shell when a tab first opens, or by a view element a page shows on its own.
 */
import { afterEach, expect, test } from 'vitest';
import '../src/define.js';
import type {} from '../src/views/stats/stats.js';
import { SEED } from './fixtures.js';
import { mount } from './mount.js';

afterEach(() => {
  document.body.replaceChildren();
});

/** Whether this page has fetched a module of the view (its folder under src/views/). */
const fetched = (view: string): boolean =>
  performance.getEntriesByType('resource').some((entry) => entry.name.includes(`/src/views/${view}/`));

test("a tab's code is fetched when the tab first opens, not before", async () => {
  const { view } = mount('vk-payments-admin');
  await expect.element(view.getByRole('heading', { name: SEED.appName })).toBeVisible();
  await expect.element(view.getByRole('tab', { name: 'Настройки' })).toHaveAttribute('aria-selected', 'true');
  expect(fetched('transactions')).toBe(false);
  expect(customElements.get('vk-payments-transactions')).toBeUndefined();

  await view.getByRole('tab', { name: 'Транзакции' }).click();
  await expect.element(view.getByRole('heading', { name: 'Транзакции' })).toBeVisible();
  expect(fetched('transactions')).toBe(true);
  // The tabs not opened are still not fetched.
  for (const other of ['logs', 'deliveries', 'stats', 'moderation']) expect(fetched(other), other).toBe(false);
});

test('a view element on a page by itself loads its own code and works, with the one entry script', async () => {
  expect(customElements.get('vk-payments-stats')).toBeUndefined();
  const { view } = mount('vk-payments-stats');
  await expect.element(view.getByRole('heading', { name: 'Статистика платежей' })).toBeVisible();
  expect(fetched('stats')).toBe(true);
  expect(fetched('moderation')).toBe(false);
});
