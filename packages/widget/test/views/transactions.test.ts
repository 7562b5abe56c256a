/**
 * <vk-payments-transactions> in real Chromium against the real server. Payments are made the way VK
 * makes them — signed notifications posted to the endpoint (`commands.vkpNotify`) — and each test
 * filters by a user id of its own, since all tests share one server.
 */
import { afterEach, expect, test } from 'vitest';
import { page, userEvent, type Locator } from 'vitest/browser';
import '../../src/views/transactions/transactions.js';
import type { VkpErrorEvent } from '../../src/events.js';
import { SEED } from '../fixtures.js';
import { contrastProblems } from '../axe.js';
import { scrollsSideways, sticksOut, tops } from '../layout.js';
import { keyFor, mount, rootGql, screenshot, buy, newOrderId, newUserId as newUserIdFrom } from '../mount.js';

afterEach(async () => {
  document.body.replaceChildren();
  await page.viewport(360, 720);
});

const newUserId = (): number => newUserIdFrom(800_000_000);
const notify = buy;

async function pay(user: number, fields: Record<string, string | number> = {}): Promise<string> {
  const order = newOrderId();
  expect(await notify(user, order, fields)).toContain('app_order_id');
  return order;
}

async function refund(user: number, order: string): Promise<void> {
  expect(await notify(user, order, { status: 'refunded' })).toContain('app_order_id');
}

const rowOf = (view: Locator, order: string): Locator => view.getByRole('row').filter({ hasText: order });

async function filterByUser(view: Locator, user: number, label = 'ID пользователя'): Promise<void> {
  await view.getByLabelText(label).fill(String(user));
  await userEvent.keyboard('{Enter}');
}

/** Three payments of 10 votes, the last refunded. */
async function seedUser(): Promise<{ user: number; orders: string[] }> {
  const user = newUserId();
  const orders = [await pay(user), await pay(user), await pay(user)];
  await refund(user, orders[2]!);
  return { user, orders };
}

test('totals and the credits/deductions split match the payments the user made', async () => {
  const { user } = await seedUser();
  const { view } = mount('vk-payments-transactions');
  await filterByUser(view, user);
  const totals = view.getByRole('definition');
  await expect.element(totals.nth(0)).toHaveTextContent('30 голосов 3 платежа');
  await expect.element(totals.nth(1)).toHaveTextContent('10 голосов 1 платёж');
  await expect.element(totals.nth(2)).toHaveTextContent('20 голосов');
  await expect.element(view.getByRole('tab', { name: 'Зачисления 3' })).toHaveAttribute('aria-selected', 'true');
  await expect.element(view.getByRole('tab', { name: 'Списания 1' })).toBeVisible();
  await expect.element(view.getByText('Показано 3 из 3')).toBeVisible();
});

test('the Deductions tab lists the refunded order, marked refunded; the keyboard moves between tabs', async () => {
  const { user, orders } = await seedUser();
  const { el, view } = mount('vk-payments-transactions');
  await filterByUser(view, user);
  await expect.element(view.getByText('Показано 3 из 3')).toBeVisible();
  await expect.element(rowOf(view, orders[0]!).getByText('Оплачено')).toBeVisible();

  await view.getByRole('tab', { name: /Списания/ }).click();
  await expect.element(view.getByText('Показано 1 из 1')).toBeVisible();
  const row = rowOf(view, orders[2]!);
  await expect.element(row.getByText('Возвращено')).toBeVisible();
  await expect.element(row.getByText('−10')).toBeVisible();
  await expect.element(row.getByRole('link', { name: String(user) })).toHaveAttribute('href', `https://vk.com/id${user}`);
  expect(rowOf(view, orders[0]!).elements()).toHaveLength(0);

  await userEvent.keyboard('{ArrowLeft}');
  await expect.element(view.getByRole('tab', { name: /Зачисления/ })).toHaveAttribute('aria-selected', 'true');
  expect(el.shadowRoot!.activeElement).toBe(view.getByRole('tab', { name: /Зачисления/ }).element());
  await expect.element(view.getByText('Показано 3 из 3')).toBeVisible();
});

test('test payments are left out until "Show test payments" is on', async () => {
  const user = newUserId();
  const real = await pay(user);
  const testOrder = await pay(user, { notification_type: 'order_status_change_test' });
  const { view } = mount('vk-payments-transactions');
  await filterByUser(view, user);
  await expect.element(view.getByText('Показано 1 из 1')).toBeVisible();
  await expect.element(rowOf(view, real)).toBeVisible();

  await view.getByLabelText('Показывать тестовые').click();
  await expect.element(view.getByText('Показано 2 из 2')).toBeVisible();
  await expect.element(rowOf(view, testOrder).getByText('тест', { exact: true })).toBeVisible();
  await expect.element(view.getByRole('definition').nth(0)).toHaveTextContent('20 голосов 2 платежа');
});

test('"Show more" appends the next page', async () => {
  const user = newUserId();
  const orders = [await pay(user), await pay(user), await pay(user)];
  const { view } = mount('vk-payments-transactions', { 'page-size': '2' });
  await filterByUser(view, user);
  await expect.element(view.getByText('Показано 2 из 3')).toBeVisible();
  expect(rowOf(view, orders[0]!).elements()).toHaveLength(0);
  await view.getByRole('button', { name: 'Показать ещё' }).click();
  await expect.element(view.getByText('Показано 3 из 3')).toBeVisible();
  await expect.element(rowOf(view, orders[0]!)).toBeVisible();
  await expect.element(rowOf(view, orders[2]!)).toBeVisible();
});

test('a period is checked before it is sent, and one in the future shows nothing', async () => {
  const { user } = await seedUser();
  const { view } = mount('vk-payments-transactions');
  await filterByUser(view, user);
  await expect.element(view.getByText('Показано 3 из 3')).toBeVisible();
  // Each field applies when it changes: "По" alone still shows everything, then a later "С" is refused.
  await view.getByLabelText('По', { exact: true }).fill('2099-01-01');
  await view.getByLabelText('С', { exact: true }).fill('2099-02-01');
  await view.getByRole('button', { name: 'Применить' }).click();
  await expect.element(view.getByLabelText('По', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect.element(view.getByLabelText('По', { exact: true })).toHaveAccessibleDescription('Дата «По» раньше даты «С».');
  await expect.element(view.getByText('Показано 3 из 3')).toBeVisible(); // the refused period was not sent

  await view.getByLabelText('По', { exact: true }).fill('2099-02-28');
  await view.getByRole('button', { name: 'Применить' }).click();
  await expect.element(view.getByText('Нет платежей с такими условиями.')).toBeVisible();
  await expect.element(view.getByLabelText('По', { exact: true })).toHaveAttribute('aria-invalid', 'false');
});

/** Catches the temporary `<a download>` the view clicks, keeps the browser from saving, and reads the file. */
function catchDownload(): Promise<{ name: string; text: string }> {
  return new Promise((resolve) => {
    const onClick = (e: Event): void => {
      const a = e.composedPath()[0];
      if (!(a instanceof HTMLAnchorElement) || !a.hasAttribute('download')) return;
      e.preventDefault();
      document.removeEventListener('click', onClick, true);
      void fetch(a.href)
        .then((r) => r.text())
        .then((text) => resolve({ name: a.download, text }));
    };
    document.addEventListener('click', onClick, true);
  });
}

test('"Download CSV" saves the filtered list as a file', async () => {
  const { user, orders } = await seedUser();
  const { view } = mount('vk-payments-transactions');
  await filterByUser(view, user);
  await view.getByRole('tab', { name: /Списания/ }).click();
  await expect.element(view.getByText('Показано 1 из 1')).toBeVisible();
  const file = catchDownload();
  await view.getByRole('button', { name: 'Скачать CSV' }).click();
  const { name, text } = await file;
  expect(name).toMatch(/^transactions-4242-.*\.csv$/);
  expect(text).toContain(orders[2]); // the refund
  expect(text).not.toContain(orders[0]); // a payment not refunded: the tab's filter went along
  expect(text).toContain(String(user));
  await expect.element(view.getByRole('button', { name: 'Скачать CSV' })).toBeEnabled();
});

test('a failed download is explained and reported', async () => {
  const { createApiKey } = await rootGql<{ createApiKey: { token: string; apiKey: { id: string } } }>(
    `mutation { createApiKey(vkAppId: ${SEED.vkAppId}, role: PAYMENTS_ADMIN, label: "csv revoke test") { token apiKey { id } } }`,
  );
  const { el, view } = mount('vk-payments-transactions', { token: createApiKey.token });
  await expect.element(view.getByText(/^Показано/)).toBeVisible();
  const codes: string[] = [];
  el.addEventListener('vkp-error', (e: VkpErrorEvent) => codes.push(e.detail.code));
  await rootGql(`mutation { revokeApiKey(id: "${createApiKey.apiKey.id}") { id } }`);
  await view.getByRole('button', { name: 'Скачать CSV' }).click();
  await expect.element(view.getByRole('alert')).toHaveTextContent('Не удалось скачать CSV');
  expect(codes).toEqual(['UNAUTHENTICATED']);
});

test('explains that a viewer has no access to payments', async () => {
  const { view } = mount('vk-payments-transactions', { token: await keyFor('VIEWER') });
  await expect.element(view.getByRole('alert')).toHaveTextContent('Нет доступа');
});

test('speaks English with locale="en"', async () => {
  const { user } = await seedUser();
  const { view } = mount('vk-payments-transactions', { locale: 'en' });
  await filterByUser(view, user, 'User ID');
  await expect.element(view.getByRole('tab', { name: 'Deductions 1' })).toBeVisible();
  await expect.element(view.getByRole('definition').nth(2)).toHaveTextContent('20 votes');
});

test('light and dark, phone and desktop: the totals stack on a phone and line up on a desktop, rows fit without scrolling sideways, every text has AA contrast', async () => {
  const { user } = await seedUser();
  await pay(user, { notification_type: 'order_status_change_test' });
  for (const width of [360, 1024]) {
    // No taller than the runner's window (720 px): a taller viewport is scaled down in the screenshot.
    await page.viewport(width, 720);
    for (const theme of ['light', 'dark']) {
      const { el, view } = mount('vk-payments-transactions', { theme });
      await filterByUser(view, user);
      await view.getByLabelText('Показывать тестовые').click();
      await screenshot(view, `transactions-${theme}-${width}`, view.getByText('Показано 4 из 4'));
      const totals = [...el.shadowRoot!.querySelectorAll('[part="total"]')];
      const lefts = new Set(totals.map((t) => Math.round(t.getBoundingClientRect().left)));
      expect({ columns: lefts.size, rows: new Set(tops(totals)).size }).toEqual(
        width === 360 ? { columns: 1, rows: 3 } : { columns: 3, rows: 1 },
      );
      expect([sticksOut(el), scrollsSideways(el)]).toEqual([[], []]);
      expect(await contrastProblems(el)).toEqual([]);
      // What lies below the runner's 720 px is not painted: on a phone, the list separately.
      if (width === 360) await screenshot(view.getByRole('tabpanel'), `transactions-${theme}-360-list`);
      document.body.replaceChildren();
    }
  }
});
