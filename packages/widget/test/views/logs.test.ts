/**
 * <vk-payments-logs> in real Chromium against the real server: every row here comes from a signed
 * notification posted to the endpoint (`commands.vkpNotify`), as VK would send it. Tests share one
 * server, so each works with a user id of its own and filters by it.
 */
import { afterEach, expect, inject, test } from 'vitest';
import { commands, page, userEvent, type Locator } from 'vitest/browser';
import '../../src/views/logs/logs.js';
import type { VkpErrorEvent } from '../../src/events.js';
import { contrastProblems } from '../axe.js';
import { scrollsSideways, sticksOut, tops } from '../layout.js';
import { keyFor, mount, rootGql, screenshot, buy, newOrderId, newUserId as newUserIdFrom } from '../mount.js';

afterEach(async () => {
  document.body.replaceChildren();
  await page.viewport(360, 720);
});

const newUserId = (): number => newUserIdFrom(700_000_000);

const rowOf = (view: Locator, order: string): Locator => view.getByRole('row').filter({ hasText: order });
/** The row's first button, the time that opens its details (the user id after it is a button too: it opens the customer). */
const toggleOf = (view: Locator, order: string): Locator => rowOf(view, order).getByRole('button').first();

/** Filters the list by a user id, as a person would: type it and press Enter. */
/**
 * The socket is acknowledged a moment before the server registers the subscription, and a request sent
 * in that moment is missed: sends (a new order each time) until one shows up live; returns that order.
 */
async function untilLive(view: Locator, send: () => Promise<string>): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const order = await send();
    try {
      await expect.element(rowOf(view, order), { timeout: 1500 }).toBeVisible();
      return order;
    } catch {
      // not subscribed yet
    }
  }
  throw new Error('no row arrived live in 5 attempts');
}

async function filterByUser(view: Locator, user: number): Promise<void> {
  await view.getByLabelText('ID пользователя').fill(String(user));
  await userEvent.keyboard('{Enter}');
}

/** A user with a good purchase, one refused for a wrong price (error 100), and a _test one from a non-tester (a warning). */
async function seedUser(): Promise<{ user: number; good: string; bad: string; warned: string }> {
  const user = newUserId();
  const [good, bad, warned] = [newOrderId(), newOrderId(), newOrderId()];
  expect(await buy(user, good)).toContain('app_order_id');
  expect(await buy(user, bad, { item_price: 11 })).toContain('"error_code":100');
  expect(await buy(user, warned, { notification_type: 'order_status_change_test' })).toContain('app_order_id');
  return { user, good, bad, warned };
}

test("shows each request with its result: OK, or VK's error code with its message, and a mark on warnings", async () => {
  const { user, good, bad, warned } = await seedUser();
  const { view } = mount('vk-payments-logs');
  await filterByUser(view, user);
  await expect.element(view.getByText('Показано 3 из 3')).toBeVisible();

  const goodRow = rowOf(view, good);
  await expect.element(goodRow.getByText('OK', { exact: true })).toBeVisible();
  await expect.element(goodRow.getByText('order_status_change')).toBeVisible();
  await expect.element(goodRow.getByRole('link', { name: String(user) })).toHaveAttribute('href', `https://vk.com/id${user}`);

  const code = rowOf(view, bad).getByText('100', { exact: true });
  await expect.element(code).toBeVisible();
  await expect.element(code).toHaveAttribute('title', expect.stringContaining('costs 10 votes, not 11'));
  expect(getComputedStyle(code.element()).color).toBe('rgb(193, 59, 59)'); // the danger colour (#c13b3b)

  const warnedRow = rowOf(view, warned);
  await expect.element(warnedRow.getByText('тест', { exact: true })).toBeVisible();
  await expect.element(warnedRow.getByRole('img', { name: /Предупреждение: .*not a payment tester/ })).toBeVisible();
});

test('filters narrow the list: errors only, then only test requests; Reset shows all again', async () => {
  const { user, good, bad, warned } = await seedUser();
  const { view } = mount('vk-payments-logs');
  await filterByUser(view, user);
  await expect.element(view.getByText('Показано 3 из 3')).toBeVisible();

  await view.getByLabelText('Результат').selectOptions('Ошибки');
  await expect.element(view.getByText('Показано 1 из 1')).toBeVisible();
  await expect.element(rowOf(view, bad)).toBeVisible();
  expect(rowOf(view, good).elements()).toHaveLength(0);

  await view.getByLabelText('Результат').selectOptions('Все');
  await view.getByLabelText('Режим').selectOptions('Тестовые');
  await expect.element(view.getByText('Показано 1 из 1')).toBeVisible();
  await expect.element(rowOf(view, warned)).toBeVisible();

  await view.getByRole('button', { name: 'Сбросить' }).click();
  await expect.element(view.getByLabelText('ID пользователя')).toHaveValue('');
  await expect.element(rowOf(view, good)).toBeVisible();
});

test('a user id that is not a number is marked next to its input and not sent', async () => {
  const { view } = mount('vk-payments-logs');
  await expect.element(view.getByText(/^Показано/)).toBeVisible();
  const input = view.getByLabelText('ID пользователя');
  await input.fill('vasya');
  await userEvent.keyboard('{Enter}');
  await expect.element(input).toHaveAttribute('aria-invalid', 'true');
  await expect.element(input).toHaveAccessibleDescription('Введите числовой ID пользователя ВКонтакте.');
});

test('"Show more" appends the next page, and the count says how many of how many', async () => {
  const user = newUserId();
  const orders = [newOrderId(), newOrderId(), newOrderId(), newOrderId(), newOrderId()];
  for (const order of orders) await buy(user, order);
  const { view } = mount('vk-payments-logs', { 'page-size': '2' });
  await filterByUser(view, user);
  await expect.element(view.getByText('Показано 2 из 5')).toBeVisible();
  // Newest first.
  await expect.element(rowOf(view, orders[4]!)).toBeVisible();
  expect(rowOf(view, orders[2]!).elements()).toHaveLength(0);

  await view.getByRole('button', { name: 'Показать ещё' }).click();
  await expect.element(view.getByText('Показано 4 из 5')).toBeVisible();
  await expect.element(rowOf(view, orders[4]!)).toBeVisible(); // still there: appended, not replaced
  await view.getByRole('button', { name: 'Показать ещё' }).click();
  await expect.element(view.getByText('Показано 5 из 5')).toBeVisible();
  await expect.element(rowOf(view, orders[0]!)).toBeVisible();
  expect(view.getByRole('button', { name: 'Показать ещё' }).elements()).toHaveLength(0);
});

test("opening a row shows VK's request and our answer as JSON, with the keyboard too", async () => {
  const { user, good, bad } = await seedUser();
  const { view } = mount('vk-payments-logs');
  await filterByUser(view, user);
  const toggle = toggleOf(view, good);
  await expect.element(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect.element(toggle).toHaveAttribute('aria-expanded', 'true');

  const details = view.getByRole('region', { name: 'Запрос ВКонтакте' });
  await expect.element(details).toHaveTextContent(`"order_id": "${good}"`);
  await expect.element(details).toHaveTextContent('"sig":');
  await expect.element(view.getByRole('region', { name: 'Наш ответ' })).toHaveTextContent('"app_order_id":');
  await expect.element(view.getByText(/Подпись: верна \(текущим ключом\)/)).toBeVisible();

  // Enter on the focused button closes it; the error row opens with Space and shows VK's error body.
  await userEvent.keyboard('{Enter}');
  await expect.element(toggle).toHaveAttribute('aria-expanded', 'false');
  (toggleOf(view, bad).element() as HTMLElement).focus();
  await userEvent.keyboard(' ');
  await expect.element(view.getByRole('region', { name: 'Наш ответ' })).toHaveTextContent('"error_code": 100');
});

test('Live shows requests that arrive after it is turned on, only those the filter matches', async () => {
  const user = newUserId();
  const other = newUserId();
  const { view } = mount('vk-payments-logs');
  await filterByUser(view, user);
  await expect.element(view.getByText('Показано 0 из 0')).toBeVisible();

  await view.getByRole('switch', { name: 'В реальном времени' }).click();
  await expect.element(view.getByText('Новые запросы появятся сверху')).toBeVisible();

  // Each time, another user's order first: the filter must keep it out.
  let ignored = '';
  const seen = await untilLive(view, async () => {
    ignored = newOrderId();
    await buy(other, ignored);
    const order = newOrderId();
    await buy(user, order);
    return order;
  });
  expect(rowOf(view, ignored).elements()).toHaveLength(0);
  await expect.element(rowOf(view, seen)).toHaveClass(/fresh/);
  await expect.element(view.getByText(/^Показано 1 из 1/)).toBeVisible();

  // Off: the socket is closed, later requests wait for a refresh.
  await view.getByRole('switch', { name: 'В реальном времени' }).click();
  const later = newOrderId();
  await buy(user, later);
  await new Promise((r) => setTimeout(r, 500));
  expect(rowOf(view, later).elements()).toHaveLength(0);
  await view.getByRole('button', { name: 'Обновить' }).click();
  await expect.element(rowOf(view, later)).toBeVisible();
});

test('Live comes back by itself after the server drops the connection, and shows what arrives then', async () => {
  const user = newUserId();
  const { view } = mount('vk-payments-logs');
  await filterByUser(view, user);
  await expect.element(view.getByText('Показано 0 из 0')).toBeVisible();
  const live = view.getByRole('switch', { name: 'В реальном времени' });
  await live.click();
  await expect.element(view.getByText('Новые запросы появятся сверху')).toBeVisible();

  expect(await commands.vkpDropSockets()).toBeGreaterThan(0);
  await expect.element(view.getByText('Подключение…')).toBeVisible();
  // The first retry waits up to a second; then the socket is open again, with no error shown.
  await expect.element(view.getByText('Новые запросы появятся сверху'), { timeout: 5000 }).toBeVisible();
  const seen = await untilLive(view, async () => {
    const order = newOrderId();
    await buy(user, order);
    return order;
  });
  await expect.element(rowOf(view, seen)).toHaveClass(/fresh/);
  await expect.element(live).toBeChecked();
  expect(view.getByText('Живой журнал не подключился').elements()).toHaveLength(0);
});

test('Live with a token the server refuses says it could not connect, stops trying, and fires vkp-error', async () => {
  const { createApiKey: key } = await rootGql<{ createApiKey: { token: string; apiKey: { id: string } } }>(
    `mutation { createApiKey(vkAppId: ${inject('vkpAppId')}, role: PAYMENTS_ADMIN, label: "revoked in a test") { token apiKey { id } } }`,
  );
  const { el, view } = mount('vk-payments-logs', { token: key.token });
  const codes: string[] = [];
  el.addEventListener('vkp-error', (e: VkpErrorEvent) => codes.push(e.detail.code));
  await expect.element(view.getByText(/^Показано/)).toBeVisible();
  await rootGql(`mutation { revokeApiKey(id: "${key.apiKey.id}") { id } }`);

  const live = view.getByRole('switch', { name: 'В реальном времени' });
  await live.click();
  await expect.element(view.getByText(/Живой журнал не подключился: Forbidden/)).toBeVisible();
  await expect.element(live).not.toBeChecked();
  expect(codes).toEqual(['UNAUTHENTICATED']);
});

test('a row that arrives live goes on top without taking the focus or the opened details from the row that had them', async () => {
  const user = newUserId();
  const first = newOrderId();
  await buy(user, first);
  const { el, view } = mount('vk-payments-logs');
  await filterByUser(view, user);
  await expect.element(view.getByText('Показано 1 из 1')).toBeVisible();
  await view.getByRole('switch', { name: 'В реальном времени' }).click();
  await expect.element(view.getByText('Новые запросы появятся сверху')).toBeVisible();
  const toggle = toggleOf(view, first);
  await toggle.click(); // opens the row and focuses its button
  await expect.element(toggle).toHaveAttribute('aria-expanded', 'true');

  const seen = await untilLive(view, async () => {
    const order = newOrderId();
    await buy(user, order);
    return order;
  });
  const rows = view
    .getByRole('row')
    .filter({ hasText: String(user) })
    .elements();
  expect(rows[0]?.textContent).toContain(seen);
  expect(el.shadowRoot!.activeElement).toBe(toggle.element());
  await expect.element(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect.element(view.getByRole('region', { name: 'Запрос ВКонтакте' })).toHaveTextContent(`"order_id": "${first}"`);
});

test('explains that a viewer has no access to the log, and fires vkp-error', async () => {
  const { el, view } = mount('vk-payments-logs', { token: await keyFor('VIEWER') });
  const codes: string[] = [];
  el.addEventListener('vkp-error', (e: VkpErrorEvent) => codes.push(e.detail.code));
  await expect.element(view.getByRole('alert')).toHaveTextContent('Нет доступа');
  expect(codes).toEqual(['FORBIDDEN']);
});

test('speaks English with locale="en"', async () => {
  const { user } = await seedUser();
  const { view } = mount('vk-payments-logs', { locale: 'en' });
  await view.getByLabelText('User ID').fill(String(user));
  await userEvent.keyboard('{Enter}');
  await expect.element(view.getByText('Showing 3 of 3')).toBeVisible();
  await expect.element(view.getByRole('switch', { name: 'Live' })).toBeVisible();
});

test('light and dark, phone and desktop, with a row open: rows fit without scrolling sideways (cards on a phone), request and answer side by side on a desktop, every text has AA contrast', async () => {
  const { user, warned } = await seedUser();
  for (const width of [360, 1024]) {
    // No taller than the runner's window (720 px): a taller viewport is scaled down in the screenshot.
    await page.viewport(width, 720);
    for (const theme of ['light', 'dark']) {
      const { el, view } = mount('vk-payments-logs', { theme });
      await filterByUser(view, user);
      await expect.element(view.getByText('Показано 3 из 3')).toBeVisible();
      await toggleOf(view, warned).click();
      await screenshot(view, `logs-${theme}-${width}`, view.getByRole('region', { name: 'Наш ответ' }));
      const root = el.shadowRoot!;
      expect([sticksOut(el), scrollsSideways(el)]).toEqual([[], []]);
      const [request, answer] = tops(root.querySelectorAll('.payloads > section'));
      expect({ sideBySide: request === answer, headings: root.querySelector('thead')!.getBoundingClientRect().height > 1 }).toEqual({
        sideBySide: width > 360,
        headings: width > 360,
      });
      expect(await contrastProblems(el)).toEqual([]);
      // What lies below the runner's 720 px is not painted: on a phone, the opened details separately.
      if (width === 360) await screenshot(view.getByRole('row').filter({ hasText: 'Наш ответ' }), `logs-${theme}-360-details`);
      document.body.replaceChildren();
    }
  }
});
