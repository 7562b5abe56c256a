/**
 * The subscriptions part of <vk-payments-stats> in real Chromium against the real server. Subscription
 * changes are real notifications signed as VK signs them (`commands.vkpNotify`), recorded now, so they
 * land in today's period; other files' may too, so expected figures are the server's own
 * `subscriptionStats` for the range the view asks for, and what this file adds is checked as a difference.
 */
import { afterEach, expect, test, vi } from 'vitest';
import { commands, page, type Locator } from 'vitest/browser';
import '../../src/views/stats/stats.js';
import { SEED } from '../fixtures.js';
import { contrastProblems, seriousProblems } from '../axe.js';
import { scrollsSideways, sticksOut } from '../layout.js';
import { mount, rootGql, screenshot } from '../mount.js';

afterEach(async () => {
  document.body.replaceChildren();
  vi.restoreAllMocks();
  await page.viewport(360, 720);
});

const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const PLAN = 'vip_month';
let seq = 0;
/** A leading 8 keeps these apart from other files' ids. */
const newSubscriptionId = (): string => `8${Date.now()}${String(++seq).padStart(3, '0')}`;
const newUserId = (): number => 820_000_000 + Math.floor(Math.random() * 10_000_000);

async function change(fields: Record<string, string | number>): Promise<void> {
  const answer = await commands.vkpNotify({
    app_id: SEED.vkAppId,
    notification_type: 'subscription_status_change',
    item_id: PLAN,
    version: '5.132',
    ...fields,
  });
  expect(answer).toContain('subscription_id');
}
const charge = (subscription_id: string, user_id: number, nextBill: number) =>
  change({ subscription_id, user_id, status: 'chargeable', item_price: 30, next_bill_time: nextBill });

interface SubsFigures {
  active: number;
  activeSubscribers: number;
  monthlyRecurringVotes: number;
  new: number;
  renewed: number;
  resumed: number;
  cancelled: number;
  cancelReasons: { userDecision: number; appDecision: number; paymentFail: number; unknown: number };
}

/** The last 7 days through today, as the view's quick range asks: local midnights. */
function lastWeek(): { from: string; to: string } {
  const now = new Date();
  return {
    from: new Date(now.getFullYear(), now.getMonth(), now.getDate() - 6).toISOString(),
    to: new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).toISOString(),
  };
}

async function serverStats(): Promise<{ totals: SubsFigures; points: SubsFigures[] }> {
  const f =
    'active activeSubscribers monthlyRecurringVotes new renewed resumed cancelled cancelReasons { userDecision appDecision paymentFail unknown }';
  const data = await rootGql<{ subscriptionStats: { totals: SubsFigures; points: SubsFigures[] } }>(
    `query($id: Int!, $from: DateTime!, $to: DateTime!, $tz: String!) {
      subscriptionStats(vkAppId: $id, from: $from, to: $to, granularity: DAY, timeZone: $tz) { totals { ${f} } points { ${f} } } }`,
    { id: SEED.vkAppId, ...lastWeek(), tz: timeZone },
  );
  return data.subscriptionStats;
}

/** A row's figures as the table shows them, in its column order (ru-formatted numbers). */
const cellsOf = (p: SubsFigures): string[] =>
  [
    p.active,
    p.activeSubscribers,
    p.monthlyRecurringVotes,
    p.new,
    p.renewed,
    p.resumed,
    p.cancelled,
    p.cancelReasons.userDecision,
    p.cancelReasons.appDecision,
    p.cancelReasons.paymentFail,
    p.cancelReasons.unknown,
  ].map((n) => n.toLocaleString('ru'));

const part = (view: Locator, name: string): Element | null => (view.element() as HTMLElement).shadowRoot!.querySelector(`[part="${name}"]`);

const subsPeriods = (view: Locator): NodeListOf<Element> | undefined => part(view, 'subs-chart')?.querySelectorAll('g.subs-period');

async function mountLastWeek(attrs: Record<string, string> = {}): Promise<Locator> {
  const { view } = mount('vk-payments-stats', attrs);
  await expect.poll(() => part(view, 'subs-chart')).not.toBeNull();
  await view.getByLabelText(attrs.locale === 'en' ? 'Period' : 'Период', { exact: true }).selectOptions('d7');
  await expect.poll(() => subsPeriods(view)?.length).toBe(7);
  await expect.poll(() => (view.element() as HTMLElement).shadowRoot!.querySelector('.data.stale')).toBeNull();
  return view;
}

const tableRows = (view: Locator): string[][] =>
  [...part(view, 'subs-table')!.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()));

test("the subscriptions table shows today's new, renewed and cancelled subscriptions by reason, and the chart draws them", async () => {
  await rootGql(
    `mutation { upsertSubscriptionPlan(vkAppId: ${SEED.vkAppId}, input: {itemId: "${PLAN}", title: "VIP", price: 30, period: 30}) { itemId } }`,
  );
  const before = await serverStats();
  const nextBill = Math.floor(Date.now() / 1000) + 30 * 86_400;
  const [kept, left, failed] = [newSubscriptionId(), newSubscriptionId(), newSubscriptionId()];
  const [a, b, c] = [newUserId(), newUserId(), newUserId()];
  await charge(kept, a, nextBill);
  await charge(kept, a, nextBill + 30 * 86_400); // renewed
  await charge(left, b, nextBill);
  await change({ subscription_id: left, user_id: b, status: 'cancelled', cancel_reason: 'user_decision' });
  await charge(failed, c, nextBill);
  await change({ subscription_id: failed, user_id: c, status: 'cancelled', cancel_reason: 'payment_fail' });

  const view = await mountLastWeek();
  // Today's column: new subscriptions above the zero line, cancellations below it, named by its figures.
  const after = await serverStats();
  const today = subsPeriods(view)![6]!;
  expect([today.querySelectorAll('path.items').length, today.querySelectorAll('path.cancel').length]).toEqual([1, 1]);
  const [up, down] = ['path.items', 'path.cancel'].map((s) => today.querySelector(s)!.getBoundingClientRect());
  expect(up!.bottom).toBeLessThanOrEqual(down!.top + 1);
  expect(today.getAttribute('aria-label')).toContain(`Новые: ${after.points.at(-1)!.new}; Продления: ${after.points.at(-1)!.renewed}`);
  await screenshot(page.elementLocator(part(view, 'subscriptions')!), 'stats-subscriptions-light-360');
  // The table instead of the chart, for payments and subscriptions alike.
  await view.getByRole('button', { name: 'Таблица' }).click();
  await expect.poll(() => part(view, 'subs-table')).not.toBeNull();
  // What this test added: three new, one renewed, two cancelled (one per reason), one more active.
  expect([
    after.totals.new - before.totals.new,
    after.totals.renewed - before.totals.renewed,
    after.totals.active - before.totals.active,
  ]).toEqual([3, 1, 1]);
  expect([
    after.totals.cancelReasons.userDecision - before.totals.cancelReasons.userDecision,
    after.totals.cancelReasons.paymentFail - before.totals.cancelReasons.paymentFail,
  ]).toEqual([1, 1]);
  const rows = tableRows(view);
  // Heading, 7 days, total: today's row and the total are the server's figures.
  expect(rows).toHaveLength(9);
  expect(rows[7]).toEqual(cellsOf(after.points.at(-1)!));
  expect(rows[8]).toEqual(cellsOf(after.totals));
  await expect
    .element(view.getByRole('group', { name: 'Голосов в месяц', exact: true }))
    .toHaveTextContent(String(after.totals.monthlyRecurringVotes));
});

test('the subscriptions part in light and dark, Russian and English, at 420 px: nothing sticks out, AA contrast, no serious axe problems', async () => {
  await page.viewport(420, 900);
  for (const [theme, locale] of [
    ['light', 'ru'],
    ['dark', 'ru'],
    ['dark', 'en'],
  ] as const) {
    const view = await mountLastWeek({ theme, locale });
    const table = 'div.table-wrap[part="subs-table"]';
    await expect.element(view.getByRole('heading', { name: locale === 'en' ? 'Subscriptions' : 'Подписки' })).toBeVisible();
    await expect
      .element(view.getByRole('button', { name: locale === 'en' ? 'Download subscriptions CSV' : 'Скачать CSV подписок' }))
      .toBeEnabled();
    const el = view.element() as HTMLElement;
    const section = part(view, 'subscriptions')!;
    await Promise.all(el.shadowRoot!.getAnimations().map((a) => a.finished)); // the fade-in of fresh figures
    expect(sticksOut(el)).toEqual([]);
    expect(scrollsSideways(el)).toEqual([]);
    expect(await contrastProblems(section)).toEqual([]);
    expect(await seriousProblems(section)).toEqual([]);
    await screenshot(page.elementLocator(section), `stats-subscriptions-${theme}-420${locale === 'en' ? '-en' : ''}`);
    // The table scrolls sideways in its own box, its period column kept in view (sticky); nothing else does.
    await view.getByRole('button', { name: locale === 'en' ? 'Table' : 'Таблица' }).click();
    await expect.poll(() => part(view, 'subs-table')).not.toBeNull();
    expect(sticksOut(el, [table, 'div.table-wrap[part="table"]'])).toEqual([]);
    expect(scrollsSideways(el).filter((box) => box !== table && box !== 'div.table-wrap[part="table"]')).toEqual([]);
    expect(await contrastProblems(section)).toEqual([]);
    expect(await seriousProblems(section)).toEqual([]);
    document.body.replaceChildren();
  }
});

test('the subscriptions CSV button saves the shown days with one column per cancellation reason', async () => {
  const saved: Blob[] = [];
  const create = URL.createObjectURL.bind(URL);
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    saved.push(blob as Blob);
    return create(blob);
  });
  // The link is clicked by the view; here it is only read, so the test browser saves nothing.
  const clicked: HTMLAnchorElement[] = [];
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push(this);
  });
  const view = await mountLastWeek();
  await view.getByRole('button', { name: 'Скачать CSV подписок' }).click();
  await expect.poll(() => saved.length).toBe(1);
  const lines = (await saved[0]!.text())
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/);
  expect(lines[0]).toBe(
    'periodStart,active,activeSubscribers,monthlyRecurringVotes,new,renewed,resumed,cancelled,cancelledPending,userDecision,appDecision,paymentFail,unknown',
  );
  expect(lines).toHaveLength(8); // header and 7 days
  expect(clicked[0]?.download).toMatch(new RegExp(`^subscription-stats-${SEED.vkAppId}-.+\\.csv$`));
});
