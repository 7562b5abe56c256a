/**
 * <vk-payments-settings> in real Chromium against the real server: what an operator does on VK's
 * "Payments → Connection → Настройки" tab. Other test files share the server and sign notifications
 * with the seeded secret, so every test here puts back what it changes (the notification URL may stay).
 */
import { afterEach, expect, test, vi } from 'vitest';
import { commands, page } from 'vitest/browser';
import '../../src/views/settings/settings.js';
import type { VkpErrorEvent, VkpSavedEvent } from '../../src/events.js';
import { SEED } from '../fixtures.js';
import { contrastProblems } from '../axe.js';
import { scrollsSideways, sticksOut } from '../layout.js';
import { keyFor, mount, rootGql, screenshot } from '../mount.js';

afterEach(() => {
  document.body.replaceChildren();
  vi.restoreAllMocks();
});

const APP = SEED.vkAppId;

/** The address of the server's own notification endpoint: a URL that answers as VK wants. */
async function endpointUrl(): Promise<string> {
  const d = await rootGql<{ app: { settings: { endpointUrl: string } } }>(`{ app(vkAppId: ${APP}) { settings { endpointUrl } } }`);
  return d.app.settings.endpointUrl;
}

async function storedUrl(): Promise<string | null> {
  return (await rootGql<{ app: { notificationUrl: string | null } }>(`{ app(vkAppId: ${APP}) { notificationUrl } }`)).app.notificationUrl;
}

function savedEvents(el: HTMLElement): string[] {
  const saved: string[] = [];
  el.addEventListener('vkp-saved', (e: VkpSavedEvent) => saved.push(e.detail.what));
  return saved;
}

test('a notification URL that is not an absolute http(s) address is refused at the field, before any request', async () => {
  const { el, view } = mount('vk-payments-settings');
  const saved = savedEvents(el);
  const input = view.getByLabelText('URL уведомлений');
  await input.fill('example.com/vk');
  await view.getByRole('region', { name: 'URL для платёжных уведомлений' }).getByRole('button', { name: 'Сохранить' }).click();
  await expect.element(input).toHaveAttribute('aria-invalid', 'true');
  await expect.element(input).toHaveAccessibleDescription('Нужен полный адрес: http:// или https://…');
  // Focus moves to the refused input (it lives in the shadow root, so the document sees the host).
  await expect.poll(() => el.shadowRoot?.activeElement?.getAttribute('name')).toBe('notificationUrl');
  expect(saved).toEqual([]);
  await screenshot(view.getByRole('region', { name: 'URL для платёжных уведомлений' }), 'settings-light-url-error');
});

test("the server's refusal of a URL is shown at the field, and fires vkp-error", async () => {
  const before = await storedUrl();
  const { el, view } = mount('vk-payments-settings');
  const errors: string[] = [];
  el.addEventListener('vkp-error', (e: VkpErrorEvent) => errors.push(e.detail.code));
  const input = view.getByLabelText('URL уведомлений');
  // Well-formed for the form, refused by the server: VK would post to it as it is, credentials shown in its panel.
  await input.fill('https://user:secret@example.com/vk');
  await view.getByRole('button', { name: 'Сохранить', exact: true }).click();
  await expect.element(input).toHaveAttribute('aria-invalid', 'true');
  await expect.element(input).toHaveAccessibleDescription('Без логина и пароля в адресе: VK показывает его в панели');
  expect(errors).toEqual(['BAD_USER_INPUT']);
  expect(await storedUrl()).toBe(before);
});

test('a notification URL the server finds too long is refused at the field in Russian, with the limit', async () => {
  const before = await storedUrl();
  const { view } = mount('vk-payments-settings');
  const input = view.getByLabelText('URL уведомлений');
  await input.fill(`https://example.com/${'a'.repeat(2048)}`);
  await view.getByRole('region', { name: 'URL для платёжных уведомлений' }).getByRole('button', { name: 'Сохранить' }).click();
  await expect.element(input).toHaveAttribute('aria-invalid', 'true');
  // Russian groups the digits: «2 048».
  await expect.element(input).toHaveAccessibleDescription(/^Не длиннее 2\s048 символов$/);
  expect(await storedUrl()).toBe(before);
});

test('in English, the same refusal is worded in English', async () => {
  const { view } = mount('vk-payments-settings', { locale: 'en' });
  const input = view.getByRole('textbox', { name: 'Notification URL' });
  await input.fill(`https://example.com/${'a'.repeat(2048)}`);
  await view.getByRole('region', { name: 'Payment notification URL' }).getByRole('button', { name: 'Save' }).click();
  await expect.element(input).toHaveAccessibleDescription('At most 2048 characters');
});

test('a good URL is saved on the server, says "Сохранено" and fires vkp-saved', async () => {
  const url = await endpointUrl();
  const { el, view } = mount('vk-payments-settings');
  const saved = savedEvents(el);
  const input = view.getByLabelText('URL уведомлений');
  await input.fill(`  ${url}  `);
  await view.getByRole('button', { name: 'Сохранить', exact: true }).click();
  await expect.element(view.getByText('Сохранено')).toBeVisible();
  await expect.element(input).toHaveAttribute('aria-invalid', 'false');
  expect(saved).toEqual(['settings']);
  expect(await storedUrl()).toBe(url);
});

test("the mini app's origins are saved one per line as the server normalizes them, and a refused one is explained at the field", async () => {
  const origins = async () =>
    (await rootGql<{ app: { settings: { miniAppOrigins: string[] } } }>(`{ app(vkAppId: ${APP}) { settings { miniAppOrigins } } }`)).app
      .settings.miniAppOrigins;
  const { el, view } = mount('vk-payments-settings');
  const saved = savedEvents(el);
  const field = view.getByLabelText('Разрешённые источники');
  const save = view.getByRole('button', { name: 'Сохранить источники' });
  await field.fill('https://Game.Example.com/\nhttp://localhost:10888\n');
  await save.click();
  await expect.element(field).toHaveValue('https://game.example.com\nhttp://localhost:10888');
  expect(saved).toEqual(['settings']);
  expect(await origins()).toEqual(['https://game.example.com', 'http://localhost:10888']);

  // The server refuses the second line (a path): the field says why, in the widget's words, and nothing changes.
  await field.fill('https://game.example.com\nhttps://game.example.com/app');
  await save.click();
  await expect.element(field).toHaveAttribute('aria-invalid', 'true');
  await expect.element(field).toHaveAccessibleDescription(/Только источник, https:\/\/хост\[:порт\]: без пути, запроса и #$/);
  // Refused in the page already: no scheme.
  await field.fill('game.example.com');
  await save.click();
  await expect.element(field).toHaveAccessibleDescription(/Каждая строка — адрес с https:\/\/ \(или http:\/\/localhost\)$/);
  expect(await origins()).toEqual(['https://game.example.com', 'http://localhost:10888']);

  await field.fill('');
  await save.click();
  await expect.poll(origins).toEqual([]);
});

test('in English, a refused mini app origin is worded in English', async () => {
  const { view } = mount('vk-payments-settings', { locale: 'en' });
  const field = view.getByLabelText('Allowed origins');
  await field.fill('http://game.example.com');
  await view.getByRole('button', { name: 'Save origins' }).click();
  await expect.element(field).toHaveAccessibleDescription(/https is needed \(http only for localhost and 127\.0\.0\.1\)$/);
});

test('"Проверить URL" calls the saved URL as VK would and shows verdict, HTTP status, time and the answer', async () => {
  await rootGql(`mutation($url: String) { updatePaymentSettings(vkAppId: ${APP}, input: { notificationUrl: $url }) { vkAppId } }`, {
    url: await endpointUrl(),
  });
  const { view } = mount('vk-payments-settings');
  await view.getByRole('button', { name: 'Проверить URL' }).click();
  const result = view.getByRole('status').filter({ hasText: 'Работает' });
  await expect.element(result).toHaveTextContent(/SUCCESS/);
  await expect.element(result).toHaveTextContent(/HTTP 200/);
  await expect.element(result).toHaveTextContent(/\d+ мс/);
  await view.getByText('Ответ сервера').click();
  await expect.element(view.getByText(/"response"/)).toBeVisible();
});

test("copies the address to paste into VK's panel", async () => {
  const url = await endpointUrl();
  const write = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue();
  const { view } = mount('vk-payments-settings');
  await expect.element(view.getByLabelText('Адрес обработчика')).toHaveValue(url);
  await view.getByRole('button', { name: 'Копировать' }).click();
  expect(write).toHaveBeenCalledWith(url);
  await expect.element(view.getByRole('button', { name: '✓ Скопировано' })).toBeVisible();
});

test('the API version is fixed while the registration date is unknown, and selectable for an app registered before 2024', async () => {
  const locked = mount('vk-payments-settings');
  const select = locked.view.getByLabelText('Версия API ВКонтакте');
  await expect.element(select).toBeDisabled();
  await expect.element(locked.view.getByText(/зарегистрированных до января 2024 года/)).toBeVisible();
  await expect.element(locked.view.getByText(/Дата регистрации неизвестна/)).toBeVisible();
  document.body.replaceChildren();

  await rootGql(`mutation { updateApp(vkAppId: ${APP}, input: { vkRegisteredAt: "2023-05-01T00:00:00Z" }) { vkAppId } }`);
  try {
    const { el, view } = mount('vk-payments-settings');
    const saved = savedEvents(el);
    const open = view.getByLabelText('Версия API ВКонтакте');
    await expect.element(open).toBeEnabled();
    await open.selectOptions('5.131');
    await view.getByRole('region', { name: 'Версия API' }).getByRole('button', { name: 'Сохранить' }).click();
    await expect.element(view.getByRole('region', { name: 'Версия API' }).getByText('Сохранено')).toBeVisible();
    expect(saved).toEqual(['settings']);
    expect((await rootGql<{ app: { apiVersion: string } }>(`{ app(vkAppId: ${APP}) { apiVersion } }`)).app.apiVersion).toBe('5.131');
  } finally {
    await rootGql(`mutation { updatePaymentSettings(vkAppId: ${APP}, input: { apiVersion: "5.132" }) { vkAppId } }`);
    await rootGql(`mutation { updateApp(vkAppId: ${APP}, input: { vkRegisteredAt: null }) { vkAppId } }`);
  }
});

test("a payments admin sees the key's hint but cannot replace it", async () => {
  const { view } = mount('vk-payments-settings', { token: await keyFor('PAYMENTS_ADMIN') });
  await expect.element(view.getByText('••••XyZw')).toBeVisible();
  expect(view.getByRole('button', { name: 'Заменить ключ' }).elements()).toHaveLength(0);
  expect(view.getByLabelText('Новый ключ из панели VK').elements()).toHaveLength(0);
});

test('the creator replaces the key, and the previous one keeps verifying during the overlap', async () => {
  const { el, view } = mount('vk-payments-settings', { token: await keyFor('CREATOR') });
  const saved = savedEvents(el);
  const key = view.getByLabelText('Новый ключ из панели VK');
  await expect.element(key).toHaveAttribute('type', 'password');
  await key.fill('short');
  await view.getByRole('button', { name: 'Заменить ключ' }).click();
  await expect.element(key).toHaveAccessibleDescription('Не короче 8 символов, без пробелов');
  try {
    await key.fill('RotatedKeyForTest5678');
    await view.getByLabelText('Прежний ключ действует, ч').fill('168');
    await view.getByRole('button', { name: 'Заменить ключ' }).click();
    await expect.element(view.getByText('••••5678')).toBeVisible();
    await expect.element(view.getByText(/Прежний ключ ••••XyZw принимается до/)).toBeVisible();
    await expect.element(key).toHaveValue('');
    expect(saved).toEqual(['secret']);
    // Signed with the seeded key, still accepted: the overlap at work.
    const answer = await commands.vkpNotify({
      app_id: APP,
      item: 'gem_pack',
      lang: 'ru_RU',
      notification_type: 'get_item',
      order_id: 880001,
      user_id: 77,
    });
    expect(answer).toContain('"response"');
  } finally {
    // Back to the seeded key at once: other files sign with it.
    await rootGql(`mutation { rotateAppSecret(vkAppId: ${APP}, secretKey: "${SEED.secretKey}", overlapHours: 0) { vkAppId } }`);
  }
});

test('payment testers are added by id or profile link, linked to VK, and removed', async () => {
  const { el, view } = mount('vk-payments-settings');
  const saved = savedEvents(el);
  const id = view.getByLabelText('ID пользователя VK');
  await id.fill('durov');
  await view.getByRole('button', { name: 'Добавить' }).click();
  await expect.element(id).toHaveAttribute('aria-invalid', 'true');

  await id.fill('https://vk.com/id900001');
  await view.getByRole('button', { name: 'Добавить' }).click();
  const link = view.getByRole('link', { name: 'id900001' });
  await expect.element(link).toHaveAttribute('href', 'https://vk.com/id900001');
  await expect.element(id).toHaveValue('');
  const testers = async (): Promise<number[]> =>
    (await rootGql<{ paymentTesters: { vkUserId: number }[] }>(`{ paymentTesters(vkAppId: ${APP}) { vkUserId } }`)).paymentTesters.map(
      (t) => t.vkUserId,
    );
  expect(await testers()).toContain(900001);

  await view.getByRole('button', { name: 'Удалить тестировщика 900001' }).click();
  await expect.element(link).not.toBeInTheDocument();
  expect(await testers()).not.toContain(900001);
  expect(saved).toEqual(['tester', 'tester']);
});

test('speaks English with locale="en"', async () => {
  const { view } = mount('vk-payments-settings', { locale: 'en' });
  await expect.element(view.getByRole('heading', { name: 'Payment notification URL' })).toBeVisible();
  await expect.element(view.getByRole('button', { name: 'Check URL' })).toBeVisible();
});

test('light and dark, phone and desktop, with a check result and a tester: nothing sticks out or scrolls sideways, every text has AA contrast', async () => {
  await rootGql(`mutation($url: String) { updatePaymentSettings(vkAppId: ${APP}, input: { notificationUrl: $url }) { vkAppId } }`, {
    url: await endpointUrl(),
  });
  await rootGql(`mutation { addPaymentTester(vkAppId: ${APP}, vkUserId: 900002) { vkUserId } }`);
  try {
    for (const theme of ['light', 'dark'] as const) {
      const { el, view } = mount('vk-payments-settings', { theme });
      await view.getByRole('button', { name: 'Проверить URL' }).click();
      await expect.element(view.getByText('Работает')).toBeVisible();
      // One picture per block at phone size (the test page is scaled down to fit a viewport taller than
      // 720 px, so a whole-view picture at 360 px is an overview only), then the overviews.
      const blocks = {
        url: 'URL для платёжных уведомлений',
        endpoint: 'Адрес этого сервера для панели VK',
        version: 'Версия API',
        secret: 'Защищённый ключ',
        testers: 'Тестировщики платежей',
      };
      for (const [part, name] of Object.entries(blocks)) await screenshot(view.getByRole('region', { name }), `settings-${theme}-${part}`);
      await page.viewport(360, 1700);
      await screenshot(view, `settings-${theme}`, view.getByRole('link', { name: 'id900002' }));
      expect([sticksOut(el), scrollsSideways(el)]).toEqual([[], []]);
      expect(await contrastProblems(el)).toEqual([]);
      await page.viewport(1024, 1100);
      expect([sticksOut(el), scrollsSideways(el)]).toEqual([[], []]);
      await screenshot(view, `settings-${theme}-desktop`);
      await page.viewport(360, 720);
      document.body.replaceChildren();
    }
  } finally {
    await page.viewport(360, 720);
    await rootGql(`mutation { removePaymentTester(vkAppId: ${APP}, vkUserId: 900002) }`);
  }
});
