/**
 * "Send test notification" in <vk-payments-logs>, in real Chromium against the real server: the server
 * plays VK's whole sequence against its own endpoint and logs every request, so what the panel reports
 * must also show up in the list. Each test buys as a user of its own and filters the list by it.
 */
import { afterEach, expect, test } from 'vitest';
import { page, userEvent, type Locator } from 'vitest/browser';
import '../../src/views/logs/logs.js';
import type { VkpErrorEvent } from '../../src/events.js';
import { contrastProblems } from '../axe.js';
import { inside, scrollsSideways, sticksOut } from '../layout.js';
import { mount, newUserId as newUserIdFrom, screenshot } from '../mount.js';

afterEach(async () => {
  document.body.replaceChildren();
  await page.viewport(360, 720);
});

const newUserId = (): number => newUserIdFrom(1_000_000_000);

/** A logs view showing only `user`'s requests (none yet), with the test notification's panel open. */
async function openPanel(
  user: number,
  attributes: Record<string, string> = {},
): Promise<{ el: HTMLElement; view: Locator; panel: Locator }> {
  const { el, view } = mount('vk-payments-logs', attributes);
  const en = attributes.locale === 'en';
  await view.getByLabelText(en ? 'User ID' : 'ID пользователя').fill(String(user));
  await userEvent.keyboard('{Enter}');
  await expect.element(view.getByText(en ? 'Showing 0 of 0' : 'Показано 0 из 0')).toBeVisible();
  const toggle = view.getByRole('button', { name: en ? 'Send test notification' : 'Отправить тестовое уведомление' });
  await expect.element(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect.element(toggle).toHaveAttribute('aria-expanded', 'true');
  return { el, view, panel: view.getByRole('region', { name: en ? 'Send test notification' : 'Отправить тестовое уведомление' }) };
}

/** Fills the panel's form and sends it with Enter, as a keyboard user would. */
async function send(panel: Locator, item: string, user?: number): Promise<void> {
  if (user !== undefined) await panel.getByLabelText('ID покупателя').fill(String(user));
  await panel.getByLabelText('Товар или подписка').fill(item);
  await userEvent.keyboard('{Enter}');
}

const step = (panel: Locator, type: string): Locator => panel.getByRole('listitem').filter({ hasText: type });

test('a test purchase of the seeded item: every step ✓ with the same answer on the repeat, and its requests appear in the list, marked test', async () => {
  const user = newUserId();
  const { view, panel } = await openPanel(user);
  await expect.element(panel.getByLabelText('Сценарий')).toHaveValue('PURCHASE');
  await send(panel, 'gem_pack', user);

  const summary = panel.getByRole('status');
  await expect.element(summary).toHaveTextContent('✓ Все ответы верны, повторы получили те же');
  await expect.element(summary).toHaveTextContent(`Пользователь ${user}`);
  for (const type of ['get_item_test', 'order_status_change_test']) {
    await expect.element(step(panel, type).getByRole('img', { name: 'OK' })).toHaveTextContent('✓');
    await expect.element(step(panel, type)).toHaveTextContent('повтор: тот же ответ');
  }
  expect(panel.getByRole('img', { name: 'Ошибка' }).elements()).toHaveLength(0);

  // Each step was sent twice, and every sending is logged like VK's own requests: the list reloaded.
  await expect.element(view.getByText('Показано 4 из 4')).toBeVisible();
  const rows = view.getByRole('row').filter({ hasText: String(user) });
  expect(rows.filter({ hasText: /get_item.*тест/ }).elements()).toHaveLength(2);
  expect(rows.filter({ hasText: /order_status_change.*тест/ }).elements()).toHaveLength(2);
  expect(rows.filter({ hasText: 'OK' }).elements()).toHaveLength(4);
  await expect.element(panel.getByRole('button', { name: 'Отправить', exact: true })).toBeEnabled();
});

test('an unknown item: the step shows VK error 20, and the summary says why VK would stop there', async () => {
  const user = newUserId();
  const { view, panel } = await openPanel(user);
  await panel.getByLabelText('Сценарий').selectOptions('Покупка и возврат');
  await send(panel, 'no_such_item', user);

  await expect
    .element(panel.getByRole('status'))
    .toHaveTextContent(/✗ get_item did not answer with a valid success, so VK would stop here/);
  const getItem = step(panel, 'get_item_test');
  await expect.element(getItem.getByRole('img', { name: 'Ошибка' })).toHaveTextContent('✗');
  await expect.element(getItem).toHaveTextContent(/VK error 20 \(critical\): item "no_such_item" does not exist/);
  // VK stops at the first refusal: no order, no refund.
  expect(step(panel, 'order_status_change').elements()).toHaveLength(0);
  await expect.element(view.getByText('Показано 2 из 2')).toBeVisible();
  expect(
    view
      .getByRole('row')
      .filter({ hasText: String(user) })
      .getByText('20', { exact: true })
      .elements(),
  ).toHaveLength(2);
});

test('an empty item or a buyer that is not a number is marked next to its input, with the focus there, and nothing is sent', async () => {
  const user = newUserId();
  const { el, view, panel } = await openPanel(user);
  const errors: string[] = [];
  el.addEventListener('vkp-error', (e: VkpErrorEvent) => errors.push(e.detail.code));

  await panel.getByLabelText('ID покупателя').fill(String(user));
  await panel.getByRole('button', { name: 'Отправить', exact: true }).click();
  const item = panel.getByLabelText('Товар или подписка');
  await expect.element(item).toHaveAttribute('aria-invalid', 'true');
  await expect.element(item).toHaveAccessibleDescription('Укажите ID товара или плана подписки.');
  await expect.poll(() => el.shadowRoot!.activeElement).toBe(item.element());

  await item.fill('gem_pack');
  await panel.getByLabelText('ID покупателя').fill('vasya');
  await userEvent.keyboard('{Enter}');
  const buyer = panel.getByLabelText('ID покупателя');
  await expect.element(buyer).toHaveAccessibleDescription('Введите числовой ID пользователя ВКонтакте.');
  await expect.poll(() => el.shadowRoot!.activeElement).toBe(buyer.element());
  await expect.element(item).toHaveAttribute('aria-invalid', 'false');

  await new Promise((r) => setTimeout(r, 300));
  await view.getByRole('button', { name: 'Обновить' }).click();
  await expect.element(view.getByText('Показано 0 из 0')).toBeVisible();
  expect(panel.getByRole('status').elements()).toHaveLength(0);
  expect(errors).toEqual([]);
});

test('a send the server refuses is explained in the panel and fires vkp-error', async () => {
  const { el, panel } = await openPanel(newUserId());
  const errors: string[] = [];
  el.addEventListener('vkp-error', (e: VkpErrorEvent) => errors.push(e.detail.code));
  // Longer than an item id may be (64 characters).
  await send(panel, 'x'.repeat(101));
  const alert = panel.getByRole('alert');
  await expect.element(alert).toHaveTextContent(/^Не удалось отправить/);
  // The widget's own words for the server's reason, not the server's English.
  await expect.element(alert).toHaveTextContent(/Латиница, цифры и _ \. : -, не длиннее 64 символов/);
  expect(errors).toEqual(['BAD_USER_INPUT']);
});

test('the panel speaks English with locale="en", and closes with its button', async () => {
  const user = newUserId();
  const { view, panel } = await openPanel(user, { locale: 'en' });
  const scenario = panel.getByLabelText('Scenario');
  expect([...(scenario.element() as HTMLSelectElement).options].map((o) => o.text)).toEqual([
    'Purchase',
    'Purchase and refund',
    'Subscription',
    'Subscription and cancellation',
  ]);
  await expect.element(panel.getByLabelText('Item or subscription')).toHaveAttribute('placeholder', 'Item or subscription plan ID');
  await panel.getByLabelText('Buyer ID').fill(String(user));
  await panel.getByLabelText('Item or subscription').fill('gem_pack');
  await panel.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.element(panel.getByRole('status')).toHaveTextContent('✓ Every answer is valid, and the repeats got the same');
  await expect.element(step(panel, 'get_item_test')).toHaveTextContent('repeat: same answer');
  await expect.element(view.getByText('Showing 4 of 4')).toBeVisible();

  await view.getByRole('button', { name: 'Send test notification' }).click();
  await expect.element(panel).not.toBeInTheDocument();
});

test('the panel with a result (all well in light, a refusal in dark), phone and desktop: it stays inside the view, nothing sticks out or scrolls sideways, every text has AA contrast', async () => {
  for (const width of [360, 1024]) {
    await page.viewport(width, 720);
    for (const theme of ['light', 'dark']) {
      const user = newUserId();
      const { el, view, panel } = await openPanel(user, { theme });
      await send(panel, theme === 'light' ? 'gem_pack' : 'no_such_item', user);
      await expect.element(view.getByText(theme === 'light' ? 'Показано 4 из 4' : 'Показано 2 из 2')).toBeVisible();
      await screenshot(view, `logs-simulate-${theme}-${width}`, panel.getByRole('status'));
      expect(inside(panel.element(), el)).toBe(true);
      expect([sticksOut(el), scrollsSideways(el)]).toEqual([[], []]);
      expect(await contrastProblems(el)).toEqual([]);
      await screenshot(panel, `logs-simulate-${theme}-${width}-panel`);
      document.body.replaceChildren();
    }
  }
});
