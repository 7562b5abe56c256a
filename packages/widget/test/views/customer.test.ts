/**
 * <vk-payments-customer> in real Chromium against the real server, and the way there: every user id in
 * the Logs and Transactions views opens it in the shell, or fires `vkp-open-customer` out of a view that
 * stands alone. Payments are made as VK makes them (signed notifications) into an app of this file's
 * own, with a game backend set, so each payment also queues a delivery to resend.
 */
import { afterEach, beforeAll, expect, test } from 'vitest';
import { page, userEvent, type Locator } from 'vitest/browser';
import '../../src/admin/admin.js';
import '../../src/views/customer/customer.js';
import '../../src/views/logs/logs.js';
import '../../src/views/transactions/transactions.js';
import type { VkpOpenCustomerEvent } from '../../src/events.js';
import { contrastProblems, seriousProblems } from '../axe.js';
import { SEED } from '../fixtures.js';
import { scrollsSideways, sticksOut } from '../layout.js';
import { buy, keyFor, mount, newOrderId, newUserId as newUserIdFrom, rootGql, screenshot } from '../mount.js';

/** This file's app: the seeded secret (so `buy` signs for it) and a game backend (nothing answers there). */
const APP = 7201;
const newUserId = (): number => newUserIdFrom(1_300_000_000);

beforeAll(async () => {
  await rootGql(
    `mutation { createApp(input: { vkAppId: ${APP}, name: "Customer test app", secretKey: "${SEED.secretKey}" }) { vkAppId } }`,
  );
  await rootGql(`mutation { upsertCatalogItem(vkAppId: ${APP}, input: { itemId: "gem_pack", title: "Gem pack", price: 10 }) { itemId } }`);
  await rootGql(`mutation { setFulfilmentEndpoint(vkAppId: ${APP}, input: {url: "https://game.example.com/hook"}) { signingSecret } }`);
});

afterEach(async () => {
  document.body.replaceChildren();
  await page.viewport(360, 720);
});

async function pay(user: number, fields: Record<string, string | number> = {}, vkAppId = APP): Promise<string> {
  const order = newOrderId();
  expect(await buy(user, order, { app_id: vkAppId, ...fields })).toContain('app_order_id');
  return order;
}

/** Two payments of 10 votes, one refunded, and a test payment: 20 paid, 10 refunded, 10 net. */
async function seedUser(): Promise<{ user: number; orders: string[] }> {
  const user = newUserId();
  const orders = [await pay(user), await pay(user)];
  expect(await buy(user, orders[1]!, { app_id: APP, status: 'refunded' })).toContain('app_order_id');
  orders.push(await pay(user, { notification_type: 'order_status_change_test' }));
  return { user, orders };
}

const showCustomer = (user: number, attributes: Record<string, string> = {}) =>
  mount('vk-payments-customer', { 'app-id': String(APP), 'user-id': String(user), ...attributes });

const entries = (view: Locator): Locator => view.getByRole('listitem');

test('the header totals the real payments exactly; the timeline lists payments, the refund, notifications and deliveries, newest first', async () => {
  const { user, orders } = await seedUser();
  await page.viewport(1024, 720);
  const { el, view } = showCustomer(user);
  await expect.element(view.getByRole('heading', { name: `Пользователь id${user}` })).toBeVisible();
  const totals = view.getByRole('definition');
  await expect.element(totals.nth(0)).toHaveTextContent('20 голосов 2 платежа');
  await expect.element(totals.nth(1)).toHaveTextContent('10 голосов 1 платёж');
  await expect.element(totals.nth(2)).toHaveTextContent('10 голосов');
  // 3 payments + 1 refund, 4 notifications, 4 deliveries (3 paid, 1 refunded).
  await expect.poll(() => entries(view).elements().length).toBe(12);
  await expect.element(view.getByRole('link', { name: 'Профиль VK ↗' })).toHaveAttribute('href', `https://vk.com/id${user}`);
  const refund = entries(view).filter({ hasText: 'Возврат' });
  await expect.element(refund).toHaveTextContent(orders[1]!);
  await expect.element(refund).toHaveTextContent('−10 голосов');
  await expect
    .element(entries(view).filter({ hasText: orders[2]! }).filter({ hasText: 'Оплата' }).getByText('тест', { exact: true }))
    .toBeVisible();
  const times = [...el.shadowRoot!.querySelectorAll('[part="entry"] > time')].map((t) => Date.parse(t.getAttribute('datetime')!));
  expect(times).toEqual([...times].sort((a, b) => b - a));
  await screenshot(view, 'customer-light-1024');
});

test('"Show more" reads on in every list until the whole history is shown; what showed first stays on top, newest first', async () => {
  // Two refused notifications between two payments: the log has more rows than the orders and deliveries,
  // so after the first page of 2 the log is read down to a later time than the other lists.
  const user = newUserId();
  await pay(user);
  for (let i = 0; i < 2; i++) expect(await buy(user, newOrderId(), { app_id: APP, item_price: 11 })).toContain('"error_code"');
  await pay(user);
  const { el, view } = showCustomer(user, { 'page-size': '2' });
  await expect.element(view.getByRole('button', { name: 'Показать ещё' })).toBeVisible();
  const texts = (): string[] =>
    entries(view)
      .elements()
      .map((e) => e.textContent.replace(/\s+/g, ' ').trim());
  const first = texts();
  expect(first.length).toBeGreaterThan(0);
  await view.getByRole('button', { name: 'Показать ещё' }).click();
  await expect.element(view.getByRole('button', { name: 'Показать ещё' })).not.toBeInTheDocument();
  // 2 payments, 4 notifications, 2 deliveries: each once, and nothing older was shown above something newer.
  await expect.poll(() => texts().length).toBe(8);
  expect(texts().slice(0, first.length)).toEqual(first);
  const times = [...el.shadowRoot!.querySelectorAll('[part="entry"] > time')].map((t) => Date.parse(t.getAttribute('datetime')!));
  expect(times).toEqual([...times].sort((a, b) => b - a));
});

test('without a user it asks for one; a bad id is refused, a profile link opens that user and fires vkp-open-customer', async () => {
  const user = newUserId();
  await pay(user);
  const { el, view } = mount('vk-payments-customer', { 'app-id': String(APP) });
  const opened: number[] = [];
  el.addEventListener('vkp-open-customer', (e: VkpOpenCustomerEvent) => opened.push(e.detail.vkUserId));
  await expect.element(view.getByText('Введите ID пользователя VK')).toBeVisible();
  const input = view.getByLabelText('ID пользователя или ссылка на профиль');
  await input.fill('vk.com/durov');
  await userEvent.keyboard('{Enter}');
  await expect.element(input).toHaveAccessibleDescription('Нужен числовой ID или ссылка vk.com/id…');
  await input.fill(`https://vk.com/id${user}`);
  await view.getByRole('button', { name: 'Открыть' }).click();
  await expect.element(view.getByRole('heading', { name: `Пользователь id${user}` })).toBeVisible();
  await expect.element(view.getByRole('definition').nth(0)).toHaveTextContent('10 голосов 1 платёж');
  expect(opened).toEqual([user]);
});

for (const [tab, heading] of [
  ['Транзакции', 'Транзакции'],
  ['Логи', 'Журнал уведомлений'],
] as const) {
  test(`a user id in the ${tab} tab opens the Customer tab with that user`, async () => {
    const user = newUserId();
    await pay(user, {}, SEED.vkAppId);
    const { view } = mount('vk-payments-admin');
    await view.getByRole('tab', { name: tab }).click();
    await expect.element(view.getByRole('heading', { name: heading })).toBeVisible();
    await view.getByLabelText('ID пользователя').fill(String(user));
    await userEvent.keyboard('{Enter}');
    await view
      .getByRole('button', { name: String(user), exact: true })
      .first()
      .click();
    await expect.element(view.getByRole('tab', { name: 'Покупатель' })).toHaveAttribute('aria-selected', 'true');
    await expect.element(view.getByRole('heading', { name: `Пользователь id${user}` })).toBeVisible();
    await expect.element(view.getByRole('definition').nth(0)).toHaveTextContent('10 голосов 1 платёж');
    // Back and forth between tabs: the customer stays chosen.
    await view.getByRole('tab', { name: tab }).click();
    await view.getByRole('tab', { name: 'Покупатель' }).click();
    await expect.element(view.getByRole('heading', { name: `Пользователь id${user}` })).toBeVisible();
  });
}

test('a view on its own lets vkp-open-customer bubble out to the page, and keeps the profile link', async () => {
  const user = newUserId();
  await pay(user, {}, SEED.vkAppId);
  const { view } = mount('vk-payments-transactions');
  const heard: number[] = [];
  const listener = (e: VkpOpenCustomerEvent): void => void heard.push(e.detail.vkUserId);
  document.addEventListener('vkp-open-customer', listener);
  try {
    await view.getByLabelText('ID пользователя').fill(String(user));
    await userEvent.keyboard('{Enter}');
    await expect.element(view.getByRole('link', { name: `Профиль VK id${user}` })).toHaveAttribute('href', `https://vk.com/id${user}`);
    await view.getByRole('button', { name: String(user), exact: true }).click();
    expect(heard).toEqual([user]);
  } finally {
    document.removeEventListener('vkp-open-customer', listener);
  }
});

test('a PAYMENTS_ADMIN resends a delivery; a viewer and a moderator get no page and no Resend', async () => {
  const user = newUserId();
  await pay(user);
  const admin = await rootGql<{ createApiKey: { token: string } }>(
    `mutation { createApiKey(vkAppId: ${APP}, role: PAYMENTS_ADMIN, label: "customer test") { token } }`,
  );
  const { view } = showCustomer(user, { token: admin.createApiKey.token });
  const delivery = entries(view).filter({ hasText: 'Доставка в игру' });
  await delivery.getByRole('button', { name: 'Отправить снова' }).click();
  await expect.element(delivery.getByRole('status')).toHaveTextContent('Поставлено в отправку');
  await expect.element(delivery).toHaveTextContent('ожидает');
  document.body.replaceChildren();

  for (const role of ['VIEWER', 'MODERATOR'] as const) {
    const { view: refused } = showCustomer(user, { token: await keyFor(role) });
    await expect.element(refused.getByRole('alert')).toHaveTextContent('Нет доступа');
    expect(refused.getByRole('button', { name: 'Отправить снова' }).elements()).toHaveLength(0);
  }
});

test('speaks English; light and dark at 420 px: nothing sticks out or scrolls sideways, AA contrast, nothing axe calls serious', async () => {
  const { user } = await seedUser();
  await page.viewport(420, 720);
  for (const theme of ['light', 'dark']) {
    const { el, view } = showCustomer(user, { locale: 'en', theme });
    await expect.element(view.getByRole('heading', { name: `User id${user}` })).toBeVisible();
    await expect.element(view.getByRole('definition').nth(2)).toHaveTextContent('10 votes');
    await expect.element(entries(view).filter({ hasText: 'Refund' }).filter({ hasText: '−10 votes' })).toBeVisible();
    await expect
      .element(entries(view).filter({ hasText: 'Delivery to the game' }).first().getByRole('button', { name: 'Resend' }))
      .toBeVisible();
    await screenshot(view, `customer-${theme}-420`);
    expect([sticksOut(el), scrollsSideways(el)]).toEqual([[], []]);
    expect(await contrastProblems(el)).toEqual([]);
    expect(await seriousProblems(el)).toEqual([]);
    document.body.replaceChildren();
  }
});
