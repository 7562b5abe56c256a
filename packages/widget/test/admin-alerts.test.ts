/**
 * The alerts banner above the shell's tabs, in real Chromium against the real server: an app whose key
 * was changed in VK but not here (its notifications arrive signed with another key) shows how many bad
 * signatures came in the last hour, in Russian and English, light and dark, at 420 px, with nothing axe
 * finds serious; a quiet app shows no banner.
 */
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { commands, page } from 'vitest/browser';
import '../src/admin/admin.js';
import { alertStrings } from '../src/admin/admin.alerts.strings.js';
import { seriousProblems } from './axe.js';
import { scrollsSideways, sticksOut } from './layout.js';
import { SEED } from './fixtures.js';
import { mount, rootGql, screenshot } from './mount.js';

const ROTATED = 7301; // its key here is not the one VK signs with
const QUIET = 7302;

beforeAll(async () => {
  for (const [vkAppId, name, secret] of [
    [ROTATED, 'Ключ сменили в VK', 'KeyStillTheOldOne0123'],
    [QUIET, 'Тихое приложение', SEED.secretKey],
  ] as const) {
    await rootGql(
      `mutation($name: String!, $secret: String!) { createApp(input: { vkAppId: ${vkAppId}, name: $name, secretKey: $secret }) { vkAppId } }`,
      { name, secret },
    );
  }
  // VK signs with the seeded app's key (vkpNotify), which is not this app's key: error 10, three times.
  for (let i = 0; i < 3; i++) {
    const answer = await commands.vkpNotify({
      app_id: ROTATED,
      item: 'gem_pack',
      notification_type: 'get_item',
      user_id: 1,
      version: '5.132',
    });
    expect(answer).toContain('"error_code":10');
  }
});

afterEach(() => {
  document.body.replaceChildren();
});

const banner = (view: ReturnType<typeof mount>['view'], name: string) => view.getByRole('region', { name });

test('says in Russian how many notifications had a bad signature in the last hour, and asks about the key', async () => {
  const { view } = mount('vk-payments-admin', { 'app-id': String(ROTATED) });
  const alerts = banner(view, 'Требует внимания');
  await expect.element(alerts).toHaveTextContent('Важно: 3 уведомления с неверной подписью за последний час — ключ в VK меняли?');
  // Above the tabs, so it is read before them.
  const tabs = view.getByRole('tablist').element();
  expect(alerts.element().compareDocumentPosition(tabs) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
});

test('says it in English', async () => {
  const { view } = mount('vk-payments-admin', { 'app-id': String(ROTATED), locale: 'en' });
  await expect
    .element(banner(view, 'Needs attention'))
    .toHaveTextContent('Critical: 3 notifications with a bad signature in the last hour — was the key changed in VK?');
});

/** Resolves with the next answer to an `alerts` query the page receives (the real one, only watched). */
function nextAlertsAnswer(): Promise<unknown> {
  const original = window.fetch.bind(window);
  return new Promise((resolve) => {
    window.fetch = async (...args: Parameters<typeof fetch>) => {
      const res = await original(...args);
      if (typeof args[1]?.body === 'string' && args[1].body.includes('alerts(vkAppId')) {
        window.fetch = original;
        resolve(await res.clone().json());
      }
      return res;
    };
  });
}

test('shows no banner for an app where all is well', async () => {
  const answered = nextAlertsAnswer();
  const { el, view } = mount('vk-payments-admin', { 'app-id': String(QUIET) });
  await expect.element(view.getByRole('heading', { name: 'Тихое приложение' })).toBeVisible();
  expect(await answered).toEqual({ data: { alerts: [] } });
  await el.updateComplete;
  expect(el.shadowRoot!.querySelector('[part="alerts"]')).toBeNull();
});

describe.each(['ru', 'en'] as const)('in %s, dark, at 420 px', (locale) => {
  test('fits without scrolling sideways (but the row of tabs) and axe finds nothing serious', async () => {
    await page.viewport(420, 720);
    const { el, view } = mount('vk-payments-admin', { 'app-id': String(ROTATED), locale, theme: 'dark' });
    await expect.element(banner(view, alertStrings[locale].title)).toBeVisible();
    const scrolling = ['div.tabs[part="tabs"]'];
    expect([sticksOut(el, scrolling), scrollsSideways(el)]).toEqual([[], scrolling]);
    expect(await seriousProblems(el)).toEqual([]);
    await screenshot(view, `admin-alerts-${locale}-dark-420`);
  });
});

test('words every alert in both languages, with plural forms and a capped count', () => {
  const a = (count: number, countCapped = false) => ({ count, countCapped, windowSeconds: 3600, thresholdSeconds: null });
  const { ru, en } = alertStrings;
  expect([1, 3, 5].map((n) => ru.text.BAD_SIGNATURES(a(n)))).toEqual([
    '1 уведомление с неверной подписью за последний час — ключ в VK меняли?',
    '3 уведомления с неверной подписью за последний час — ключ в VK меняли?',
    '5 уведомлений с неверной подписью за последний час — ключ в VK меняли?',
  ]);
  expect(en.text.BAD_SIGNATURES(a(1))).toBe('1 notification with a bad signature in the last hour — was the key changed in VK?');
  expect(en.text.TEMPORARY_ERRORS(a(1000, true))).toBe(
    'Error 2 answered to over 1,000 notifications in the last hour — the database did not answer in time; VK retries them.',
  );
  expect(ru.text.SLOW_ANSWERS({ ...a(2), thresholdSeconds: 1 })).toBe('Медленнее 1 с за последний час: 2 ответа (VK ждёт не дольше 10 с).');
  expect(ru.text.DELIVERIES_FAILED({ ...a(1), windowSeconds: null })).toBe(
    'Игровой сервер так и не принял 1 доставку: повторы закончились — отправьте заново, когда он заработает.',
  );
  expect(en.text.DELIVERIES_FAILING({ ...a(2), windowSeconds: null })).toBe(
    '2 deliveries to the game backend failed and are being retried.',
  );
  expect(ru.text.DELIVERIES_PILING_UP({ ...a(5), windowSeconds: null, thresholdSeconds: 900 })).toBe(
    'В очереди дольше 15 мин: 5 доставок игровому серверу.',
  );
});
