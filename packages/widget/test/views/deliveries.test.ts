/**
 * <vk-payments-deliveries> in real Chromium against the real server. Payments are made as VK makes them
 * (signed notifications, `buy`) to an app of this file's own, whose game backend is a local HTTP server
 * (test/game-backend.ts) answering what each test chooses; each test looks at the deliveries of a user
 * id of its own.
 */
import { afterEach, beforeAll, expect, test, vi } from 'vitest';
import { commands, page, userEvent, type Locator } from 'vitest/browser';
import '../../src/views/deliveries/deliveries.js';
import { contrastProblems, seriousProblems } from '../axe.js';
import { SEED } from '../fixtures.js';
import { scrollsSideways, sticksOut } from '../layout.js';
import { buy, mount, newOrderId, newUserId as newUserIdFrom, rootGql, screenshot } from '../mount.js';

const APP = 4343;
const newUserId = (): number => newUserIdFrom(1_200_000_000);

interface Delivery {
  id: string;
  status: string;
  eventType: string;
  attempts: number;
  payload: { data: { vkUserId: number } };
}

/** The user's deliveries, as the server has them now. */
async function deliveriesOf(user: number): Promise<Delivery[]> {
  const { fulfilmentDeliveries } = await rootGql<{ fulfilmentDeliveries: { edges: { node: Delivery }[] } }>(
    `{ fulfilmentDeliveries(vkAppId: ${APP}, first: 100) { edges { node { id status eventType attempts payload } } } }`,
  );
  return fulfilmentDeliveries.edges.map((e) => e.node).filter((d) => d.payload.data.vkUserId === user);
}

/** Waits until the user has `count` deliveries, each with `status`. */
async function settled(user: number, status: string, count = 1): Promise<void> {
  await expect
    .poll(async () => (await deliveriesOf(user)).map((d) => d.status), { timeout: 10_000 })
    .toEqual(Array.from({ length: count }, () => status));
}

/** A paid order of `user` in this file's app (and its refund with `refund`). */
async function pay(user: number, refund = false): Promise<void> {
  const order = newOrderId();
  expect(await buy(user, order, { app_id: APP })).toContain('app_order_id');
  if (refund) expect(await buy(user, order, { app_id: APP, status: 'refunded' })).toContain('app_order_id');
}

async function keyOf(role: 'ADMIN' | 'PAYMENTS_ADMIN'): Promise<string> {
  const { createApiKey } = await rootGql<{ createApiKey: { token: string } }>(
    `mutation { createApiKey(vkAppId: ${APP}, role: ${role}, label: "deliveries test") { token } }`,
  );
  return createApiKey.token;
}

const rowOf = (view: Locator, user: number): Locator => view.getByRole('row').filter({ hasText: String(user) });

/** Mounts the view on this file's app and waits for its list. */
async function open(attributes: Record<string, string> = {}): Promise<ReturnType<typeof mount<'vk-payments-deliveries'>>> {
  const mounted = mount('vk-payments-deliveries', { 'app-id': String(APP), ...attributes });
  await expect.element(mounted.view.getByText(/^(Показано|Showing) /)).toBeVisible();
  return mounted;
}

beforeAll(async () => {
  await rootGql(
    `mutation($secret: String!) { createApp(input: { vkAppId: ${APP}, name: "Deliveries", secretKey: $secret }) { vkAppId } }`,
    { secret: SEED.secretKey },
  );
  await rootGql(`mutation { upsertCatalogItem(vkAppId: ${APP}, input: { itemId: "gem_pack", title: "Gem pack", price: 10 }) { itemId } }`);
  const url = await commands.vkpGameBackend(200);
  await rootGql(`mutation($url: String!) { setFulfilmentEndpoint(vkAppId: ${APP}, input: { url: $url }) { signingSecret } }`, { url });
});

afterEach(async () => {
  document.body.replaceChildren();
  await commands.vkpGameBackend(200);
  await page.viewport(360, 720);
});

test('a failed delivery opens to its attempts; "Resend" queues it at once and, the backend back, it is delivered', async () => {
  await commands.vkpGameBackend(500);
  const user = newUserId();
  await pay(user);
  await settled(user, 'failed');
  const { view } = await open();
  const row = rowOf(view, user);
  await expect.element(row.getByText('Не доставлено')).toBeVisible();
  await row.getByRole('button').first().click(); // the row's time: opens its attempts
  const log = view.getByRole('listitem').filter({ hasText: 'HTTP 500' });
  await expect.element(log.first()).toBeVisible();
  expect(log.elements()).toHaveLength(2); // the attempt and its one retry
  await expect.element(log.first().getByLabelText('Ответ')).toHaveTextContent('not now (500)');

  await commands.vkpGameBackend(200);
  await row.getByRole('button', { name: 'Отправить снова' }).click();
  // The row shows the server's answer at once: queued again, due now.
  await expect.element(row.getByText('В очереди')).toBeVisible();
  await expect.element(row.getByRole('status')).toHaveTextContent('Поставлено в очередь');
  await settled(user, 'delivered');
  await view.getByRole('button', { name: 'Обновить' }).click();
  await expect.element(rowOf(view, user).getByText('Доставлено')).toBeVisible();
  await expect.element(view.getByRole('listitem').filter({ hasText: 'HTTP 200' })).toBeVisible(); // still open, with the new attempt
});

test('filters by status and by event', async () => {
  const user = newUserId();
  await pay(user, true);
  await settled(user, 'delivered', 2);
  const { view } = await open();
  await expect.element(rowOf(view, user).nth(1)).toBeVisible();
  await view.getByLabelText('Событие').selectOptions('order.refunded');
  await expect.element(rowOf(view, user)).toHaveTextContent('order.refunded');
  expect(rowOf(view, user).elements()).toHaveLength(1);
  await view.getByLabelText('Статус').selectOptions('Не доставлено');
  await expect.element(view.getByText('Нет событий с такими условиями.')).toBeVisible();
});

test('"Resend all failed" asks first, the keyboard on its buttons, then queues every failed one', async () => {
  await commands.vkpGameBackend(503);
  const user = newUserId();
  await pay(user);
  await pay(user);
  await settled(user, 'failed', 2);
  const { el, view } = await open();
  const all = view.getByRole('button', { name: /^Отправить снова все недоставленные \(\d+\)$/ });
  await all.click();
  const confirm = view.getByRole('group').filter({ hasText: 'Каждое получит одну попытку сейчас' });
  await expect.element(confirm).toBeVisible();
  // The focus is on "Resend"; Tab and Enter cancel, and the focus goes back to where it was asked.
  expect(el.shadowRoot!.activeElement?.textContent).toBe('Отправить');
  await userEvent.keyboard('{Tab}{Enter}');
  await expect.element(all).toHaveAttribute('aria-expanded', 'false');
  expect(el.shadowRoot!.querySelector('#confirm-all')!.checkVisibility()).toBe(false);
  expect(el.shadowRoot!.activeElement).toBe(all.element());
  expect((await deliveriesOf(user)).map((d) => d.status)).toEqual(['failed', 'failed']); // nothing was sent

  await commands.vkpGameBackend(200);
  await userEvent.keyboard('{Enter}');
  await expect.element(confirm).toBeVisible();
  await userEvent.keyboard('{Enter}');
  await expect.element(view.getByRole('status').filter({ hasText: 'Поставлено в очередь: ' })).toBeVisible();
  await settled(user, 'delivered', 2);
  expect((await deliveriesOf(user)).map((d) => d.attempts)).toEqual([3, 3]);
});

test('an admin rotates the signing secret: shown once, with a copy button and a warning, and gone once dismissed', async () => {
  const write = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue();
  const { el, view } = await open({ token: await keyOf('ADMIN') });
  await view.getByRole('button', { name: 'Сменить секрет' }).click();
  await expect.element(view.getByText(/несут обе подписи/)).toBeVisible();
  await view.getByRole('button', { name: 'Сменить секрет' }).click(); // the confirmation's
  const secret = view.getByRole('textbox', { name: 'Новый секрет подписи' });
  await expect.poll(() => (secret.element() as HTMLInputElement).value).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
  await expect.element(secret).toHaveAccessibleDescription('Скопируйте его сейчас: он больше не будет показан.');
  const value = (secret.element() as HTMLInputElement).value;
  // The endpoint's hint now ends as the new secret does.
  const { fulfilmentEndpoint } = await rootGql<{ fulfilmentEndpoint: { secretHint: string } }>(
    `{ fulfilmentEndpoint(vkAppId: ${APP}) { secretHint } }`,
  );
  expect(fulfilmentEndpoint.secretHint).toBe(`whsec_••••${value.slice(-4)}`);
  await view.getByRole('button', { name: 'Копировать' }).click();
  expect(write).toHaveBeenCalledWith(value);
  await expect.element(view.getByRole('button', { name: '✓ Скопировано' })).toBeVisible();

  await view.getByRole('button', { name: 'Готово' }).click();
  await expect.element(secret).not.toBeInTheDocument();
  const inner = el.shadowRoot!.querySelector('vk-payments-fulfilment-endpoint')!;
  expect(inner.shadowRoot!.innerHTML).not.toContain(value.slice(6));
  document.body.replaceChildren();
  const again = await open({ token: await keyOf('ADMIN') });
  await expect.element(again.view.getByText(`whsec_••••${value.slice(-4)}`)).toBeVisible();
  expect(again.view.getByRole('textbox', { name: 'Новый секрет подписи' }).elements()).toHaveLength(0);
});

test('the rotation confirmation offers the overlap, 24 hours unless chosen, and then says until when the old secret works', async () => {
  const { view } = await open({ token: await keyOf('ADMIN') });
  const before = await rootGql<{ fulfilmentEndpoint: { secretHint: string } }>(`{ fulfilmentEndpoint(vkAppId: ${APP}) { secretHint } }`);
  await view.getByRole('button', { name: 'Сменить секрет' }).click();
  const overlap = view.getByRole('combobox', { name: 'Старый секрет действует ещё' });
  await expect.element(overlap).toHaveDisplayValue('24 часа (по умолчанию)');
  const asked = Date.now();
  await view.getByRole('button', { name: 'Сменить секрет' }).click(); // the confirmation's
  await expect.element(view.getByRole('textbox', { name: 'Новый секрет подписи' })).toBeVisible();
  const { fulfilmentEndpoint: e } = await rootGql<{ fulfilmentEndpoint: { previousSecretHint: string; previousSecretExpiresAt: string } }>(
    `{ fulfilmentEndpoint(vkAppId: ${APP}) { previousSecretHint previousSecretExpiresAt } }`,
  );
  expect(e.previousSecretHint).toBe(before.fulfilmentEndpoint.secretHint);
  expect(Date.parse(e.previousSecretExpiresAt) - asked).toBeGreaterThan(23.9 * 3_600_000);
  const notice = view.getByRole('status').filter({ hasText: `Старый секрет ${e.previousSecretHint} действует до ` });
  await expect.element(notice).toBeVisible();
  await expect.element(notice).toHaveTextContent(new Date(e.previousSecretExpiresAt).getFullYear().toString());
});

test('in English at 420 px, dark: "stop the old one now" warns, rotates with no overlap, and no old secret is announced after', async () => {
  await page.viewport(420, 720);
  try {
    const { el, view } = await open({ token: await keyOf('ADMIN'), locale: 'en', theme: 'dark' });
    await view.getByRole('button', { name: 'Rotate secret' }).click();
    await view.getByRole('combobox', { name: 'The old secret keeps working for' }).selectOptions('Stop the old one now');
    await expect.element(view.getByText('With no overlap, events are refused until the game backend has the new secret.')).toBeVisible();
    expect([sticksOut(el), scrollsSideways(el)]).toEqual([[], []]);
    expect(await seriousProblems(el)).toEqual([]);
    expect(await contrastProblems(el)).toEqual([]);
    await view.getByRole('button', { name: 'Rotate secret' }).click(); // the confirmation's
    await expect.element(view.getByRole('textbox', { name: 'New signing secret' })).toBeVisible();
    const { fulfilmentEndpoint } = await rootGql<{
      fulfilmentEndpoint: { previousSecretHint: string | null; previousSecretExpiresAt: string | null };
    }>(`{ fulfilmentEndpoint(vkAppId: ${APP}) { previousSecretHint previousSecretExpiresAt } }`);
    expect(fulfilmentEndpoint).toEqual({ previousSecretHint: null, previousSecretExpiresAt: null });
    await expect.element(view.getByText(/^The old secret whsec_/)).not.toBeInTheDocument();
  } finally {
    await page.viewport(1024, 720);
  }
});

test('an admin changes the URL and switches events off; a URL that is not one is refused under the field', async () => {
  const { view } = await open({ token: await keyOf('ADMIN') });
  const url = view.getByLabelText('Адрес (URL)');
  const original = await commands.vkpGameBackend(200);
  await expect.element(url).toHaveValue(original);
  await url.fill('game.example.com/hook');
  await view.getByRole('button', { name: 'Сохранить' }).click();
  await expect.element(url).toHaveAttribute('aria-invalid', 'true');
  await expect.element(url).toHaveAccessibleDescription('Введите полный адрес, начинающийся с http:// или https://.');

  await url.fill(original);
  await view.getByLabelText('Отправлять события').click();
  await view.getByRole('button', { name: 'Сохранить' }).click();
  await expect.element(view.getByText('✓ Сохранено')).toBeVisible();
  const { fulfilmentEndpoint } = await rootGql<{ fulfilmentEndpoint: { url: string; enabled: boolean } }>(
    `{ fulfilmentEndpoint(vkAppId: ${APP}) { url enabled } }`,
  );
  expect(fulfilmentEndpoint).toEqual({ url: original, enabled: false });
  await rootGql(
    `mutation($url: String!) { setFulfilmentEndpoint(vkAppId: ${APP}, input: { url: $url, enabled: true }) { signingSecret } }`,
    {
      url: original,
    },
  );
});

test('a PAYMENTS_ADMIN sees the webhook read-only and may still resend', async () => {
  const user = newUserId();
  await pay(user);
  await settled(user, 'delivered');
  const { view } = await open({ token: await keyOf('PAYMENTS_ADMIN') });
  await expect.element(view.getByText(/^whsec_••••/)).toBeVisible();
  expect(view.getByRole('textbox').elements()).toHaveLength(0);
  expect(view.getByRole('button', { name: 'Сменить секрет' }).elements()).toHaveLength(0);
  await rowOf(view, user).getByRole('button', { name: 'Отправить снова' }).click();
  await expect.element(rowOf(view, user).getByRole('status')).toHaveTextContent('Поставлено в очередь');
});

test("a user id asks for that user's Customer view with a bubbling, composed vkp-open-customer; the VK profile stays a link", async () => {
  const user = newUserId();
  await pay(user);
  const { view } = await open();
  const opened: number[] = [];
  document.addEventListener('vkp-open-customer', (e) => opened.push(e.detail.vkUserId), { once: true });
  await rowOf(view, user)
    .getByRole('button', { name: String(user), exact: true })
    .click();
  expect(opened).toEqual([user]);
  await expect
    .element(rowOf(view, user).getByRole('link', { name: `Профиль VK id${user}` }))
    .toHaveAttribute('href', `https://vk.com/id${user}`);
});

test('speaks English with locale="en"', async () => {
  const user = newUserId();
  await pay(user);
  await settled(user, 'delivered');
  const { view } = await open({ locale: 'en' });
  await expect.element(view.getByRole('heading', { name: 'Deliveries' })).toBeVisible();
  await expect.element(rowOf(view, user).getByText('Delivered')).toBeVisible();
  await expect.element(view.getByRole('heading', { name: 'Game backend' })).toBeVisible();
  await expect.element(view.getByRole('button', { name: /^Resend all failed \(\d+\)$/ })).toBeVisible();
});

test('light and dark, 420 px and desktop, an attempt log open: nothing sticks out or scrolls sideways, axe finds nothing, every text has AA contrast', async () => {
  await commands.vkpGameBackend(500);
  const user = newUserId();
  await pay(user);
  await settled(user, 'failed');
  for (const width of [420, 1024]) {
    await page.viewport(width, 720);
    for (const theme of ['light', 'dark']) {
      const { el, view } = await open({ theme });
      await rowOf(view, user).getByRole('button').first().click();
      await screenshot(view, `deliveries-${theme}-${width}`, view.getByRole('listitem').first());
      expect([sticksOut(el), scrollsSideways(el)]).toEqual([[], []]);
      expect(await seriousProblems(el)).toEqual([]);
      expect(await contrastProblems(el)).toEqual([]);
      document.body.replaceChildren();
    }
  }
});
