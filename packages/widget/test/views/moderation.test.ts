/**
 * <vk-payments-moderation> in real Chromium against the real server: applying for votes payments on
 * VK's "Оплата голосами" tab, and a platform moderator deciding. Other files share the server: no test
 * leaves an application pending (the notification URL may stay set, and approval cannot be undone).
 */
import { afterAll, afterEach, beforeEach, expect, test } from 'vitest';
import { page } from 'vitest/browser';
import '../../src/views/moderation/moderation.js';
import type { VkpSavedEvent } from '../../src/events.js';
import { SEED } from '../fixtures.js';
import { contrastProblems } from '../axe.js';
import { scrollsSideways, sticksOut } from '../layout.js';
import { keyFor, mount, rootGql, screenshot } from '../mount.js';

const APP = SEED.vkAppId;
const DESCRIPTION = 'A puzzle game where players grow a garden of crystals.';
const FEATURES = 'Packs of gems that speed the garden up; an ad-free pass.';

interface Request {
  id: string;
  status: string;
}

async function requests(): Promise<Request[]> {
  return (await rootGql<{ moderationRequests: Request[] }>(`{ moderationRequests(vkAppId: ${APP}) { id status } }`)).moderationRequests;
}

async function setUrl(url: string | null): Promise<void> {
  await rootGql(`mutation($url: String) { updatePaymentSettings(vkAppId: ${APP}, input: { notificationUrl: $url }) { vkAppId } }`, { url });
}

async function endpointUrl(): Promise<string> {
  return (await rootGql<{ app: { settings: { endpointUrl: string } } }>(`{ app(vkAppId: ${APP}) { settings { endpointUrl } } }`)).app
    .settings.endpointUrl;
}

/** An application sent straight to the server, as another operator would. */
async function submitByApi(): Promise<string> {
  const d = await rootGql<{ submitModerationRequest: { id: string } }>(
    `mutation($input: ModerationRequestInput!) { submitModerationRequest(vkAppId: ${APP}, input: $input) { id } }`,
    { input: { platforms: ['ANDROID', 'WEB'], appDescription: DESCRIPTION, paidFeatures: FEATURES } },
  );
  return d.submitModerationRequest.id;
}

async function withdrawPending(): Promise<void> {
  for (const r of await requests()) {
    if (r.status === 'PENDING') await rootGql(`mutation { withdrawModerationRequest(id: "${r.id}") { id } }`);
  }
}

beforeEach(async () => {
  await setUrl(await endpointUrl());
  await withdrawPending();
});

afterEach(() => {
  document.body.replaceChildren();
});

afterAll(withdrawPending);

test('the requirements say what is missing; without the notification URL the application cannot be sent, and says why', async () => {
  await setUrl(null);
  const before = mount('vk-payments-moderation');
  await expect.element(before.view.getByText(/Укажите URL уведомлений во вкладке «Настройки»/).first()).toBeVisible();
  await expect.element(before.view.getByText('обязательно').first()).toBeVisible();
  const send = before.view.getByRole('button', { name: 'Отправить заявку' });
  await expect.element(send).toBeDisabled();
  await expect.element(send).toHaveAccessibleDescription(/Пока нельзя отправить/);
  await screenshot(before.view.getByRole('region', { name: 'Новая заявка' }), 'moderation-light-not-ready');
  document.body.replaceChildren();

  await setUrl(await endpointUrl());
  const after = mount('vk-payments-moderation');
  const item = after.view.getByRole('listitem').filter({ hasText: 'URL уведомлений указан' });
  await expect.element(item).toHaveTextContent(/✓/);
  await expect.element(after.view.getByRole('button', { name: 'Отправить заявку' })).toBeEnabled();
});

test('a description that is too short is refused at its field, before any request', async () => {
  const count = (await requests()).length;
  const { el, view } = mount('vk-payments-moderation');
  await view.getByRole('checkbox', { name: /Android/ }).click();
  const description = view.getByLabelText('Описание приложения');
  await description.fill('Short');
  await view.getByLabelText('Платные функции').fill(FEATURES);
  await expect.element(view.getByText('Символов: 5 (10–1000)')).toBeVisible();
  await view.getByRole('button', { name: 'Отправить заявку' }).click();
  await expect.element(description).toHaveAttribute('aria-invalid', 'true');
  await expect.element(description).toHaveAccessibleDescription(/Не короче 10 символов/);
  await expect.poll(() => el.shadowRoot?.activeElement?.getAttribute('name')).toBe('appDescription');
  expect((await requests()).length).toBe(count);
});

test('an application is sent and shown as pending, then withdrawn', async () => {
  const { el, view } = mount('vk-payments-moderation');
  const saved: string[] = [];
  el.addEventListener('vkp-saved', (e: VkpSavedEvent) => saved.push(e.detail.what));
  await expect.element(view.getByText(/на iOS оплата голосами не работает/)).toBeVisible();
  await view.getByRole('checkbox', { name: /Android/ }).click();
  await view.getByRole('checkbox', { name: /Мобильный веб/ }).click();
  await view.getByLabelText('Описание приложения').fill(DESCRIPTION);
  await view.getByLabelText('Платные функции').fill(FEATURES);
  await view.getByRole('button', { name: 'Отправить заявку' }).click();

  const request = view.getByRole('region', { name: 'Заявка', exact: true });
  await expect.element(request.getByText('На рассмотрении')).toBeVisible();
  await expect.element(request.getByText('Android, Мобильный веб (m.vk.com)')).toBeVisible();
  await expect.element(view.getByText(/Новую можно отправить после решения/)).toBeVisible();
  expect((await requests())[0]?.status).toBe('PENDING');

  await view.getByRole('button', { name: 'Отозвать заявку' }).click();
  await expect.element(request.getByText('Отозвана')).toBeVisible();
  expect((await requests())[0]?.status).toBe('WITHDRAWN');
  expect(saved).toEqual(['moderation', 'moderation']);
  // The form is back, with the withdrawn application's answers to send again.
  await expect.element(view.getByLabelText('Описание приложения')).toHaveValue(DESCRIPTION);
});

test("sending while another operator's application is pending says so in the widget's words, and shows the pending one", async () => {
  const { view } = mount('vk-payments-moderation');
  await view.getByRole('checkbox', { name: /Android/ }).click();
  await view.getByLabelText('Описание приложения').fill(DESCRIPTION);
  await view.getByLabelText('Платные функции').fill(FEATURES);
  await submitByApi();
  await view.getByRole('button', { name: 'Отправить заявку' }).click();
  await expect.element(view.getByText('Заявка уже на рассмотрении: отзовите её или дождитесь решения')).toBeVisible();
  await expect.element(view.getByRole('region', { name: 'Заявка', exact: true }).getByText('На рассмотрении')).toBeVisible();
});

test('a moderator rejects only with a comment, and the app sees what to fix', async () => {
  const id = await submitByApi();
  const moderator = mount('vk-payments-moderation', { token: await keyFor('MODERATOR') });
  await expect.element(moderator.view.getByRole('button', { name: 'Отклонить' })).toBeVisible();
  // A moderator decides; applying and withdrawing are the app's.
  expect(moderator.view.getByRole('button', { name: 'Отправить заявку' }).elements()).toHaveLength(0);
  expect(moderator.view.getByRole('button', { name: 'Отозвать заявку' }).elements()).toHaveLength(0);

  await moderator.view.getByRole('button', { name: 'Отклонить' }).click();
  const comment = moderator.view.getByLabelText('Комментарий модератора');
  await expect.element(comment).toHaveAttribute('aria-invalid', 'true');
  await expect.element(comment).toHaveAccessibleDescription(/Напишите, что исправить/);
  expect((await requests()).find((r) => r.id === id)?.status).toBe('PENDING');

  await comment.fill('Describe what the ad-free pass costs.');
  await moderator.view.getByRole('button', { name: 'Отклонить' }).click();
  await expect.element(moderator.view.getByText('Отклонена').first()).toBeVisible();
  document.body.replaceChildren();

  const app = mount('vk-payments-moderation');
  const request = app.view.getByRole('region', { name: 'Заявка', exact: true });
  await expect.element(request.getByText('Отклонена')).toBeVisible();
  await expect.element(request.getByText('Describe what the ad-free pass costs.')).toBeVisible();
});

test('a moderator approves, and votes payments are on', async () => {
  await submitByApi();
  const { view } = mount('vk-payments-moderation', { token: await keyFor('MODERATOR') });
  await view.getByLabelText('Комментарий модератора').fill('Welcome aboard.');
  await view.getByRole('button', { name: 'Одобрить' }).click();
  await expect.element(view.getByRole('region', { name: 'Заявка', exact: true }).getByText('Одобрена')).toBeVisible();
  await expect.element(view.getByText('Платежи голосами подключены')).toBeVisible();
  expect(
    (await rootGql<{ app: { votesPaymentsEnabled: boolean } }>(`{ app(vkAppId: ${APP}) { votesPaymentsEnabled } }`)).app
      .votesPaymentsEnabled,
  ).toBe(true);
  // The earlier applications are one click away.
  await view.getByText(/Предыдущие заявки/).click();
  await expect.element(view.getByText('Отозвана').first()).toBeVisible();
});

test('speaks English with locale="en"', async () => {
  const { view } = mount('vk-payments-moderation', { locale: 'en' });
  await expect.element(view.getByRole('heading', { name: 'Requirements' })).toBeVisible();
  await expect.element(view.getByRole('button', { name: 'Send application' })).toBeVisible();
});

test('the application form, and a pending one before a moderator, light and dark, phone and desktop: nothing sticks out or scrolls sideways, every text has AA contrast', async () => {
  // A withdrawn application to show (and to fill the form from), even when this test runs alone.
  await rootGql(`mutation { withdrawModerationRequest(id: "${await submitByApi()}") { id } }`);
  try {
    for (const theme of ['light', 'dark'] as const) {
      const app = mount('vk-payments-moderation', { theme });
      await expect.element(app.view.getByRole('button', { name: 'Отправить заявку' })).toBeVisible();
      for (const [part, name] of Object.entries({ request: 'Заявка', requirements: 'Требования', apply: 'Новая заявка' })) {
        await screenshot(app.view.getByRole('region', { name, exact: true }), `moderation-${theme}-${part}`);
      }
      // Taller than the 720 px test page: an overview, scaled down.
      await page.viewport(360, 1500);
      await screenshot(app.view, `moderation-${theme}`);
      expect([sticksOut(app.el), scrollsSideways(app.el)]).toEqual([[], []]);
      expect(await contrastProblems(app.el)).toEqual([]);
      await page.viewport(1024, 1100);
      expect([sticksOut(app.el), scrollsSideways(app.el)]).toEqual([[], []]);
      await screenshot(app.view, `moderation-${theme}-desktop`);
      await page.viewport(360, 720);
      document.body.replaceChildren();

      const id = await submitByApi();
      const moderator = mount('vk-payments-moderation', { theme, token: await keyFor('MODERATOR') });
      await screenshot(
        moderator.view.getByRole('region', { name: 'Заявка', exact: true }),
        `moderation-${theme}-moderator`,
        moderator.view.getByRole('button', { name: 'Одобрить' }),
      );
      expect([sticksOut(moderator.el), scrollsSideways(moderator.el)]).toEqual([[], []]);
      expect(await contrastProblems(moderator.el)).toEqual([]);
      await rootGql(`mutation { withdrawModerationRequest(id: "${id}") { id } }`);
      document.body.replaceChildren();
    }
  } finally {
    await page.viewport(360, 720);
  }
});
