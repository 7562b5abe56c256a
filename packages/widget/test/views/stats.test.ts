/**
 * <vk-payments-stats> in real Chromium against the real server. Payments are real (not `_test`)
 * notifications signed as VK signs them (`commands.vkpNotify`); they are recorded now, so they land
 * in today's period. Other test files pay today too, so expected figures come from the server's own
 * `paymentStats` for the same range, in the browser's time zone, as the view asks for them.
 */
import { html, render } from 'lit';
import { afterEach, expect, test, vi } from 'vitest';
import { commands, page, userEvent, type Locator } from 'vitest/browser';
import '../../src/views/stats/stats.js';
import { COMMON } from '../../src/i18n.js';
import { geometry, renderChart, type Point } from '../../src/views/stats/stats.chart.js';
import { strings } from '../../src/views/stats/stats.strings.js';
import { SEED } from '../fixtures.js';
import { contrastProblems } from '../axe.js';
import { faintSvgText, inside, overlapping, scrollsSideways, sticksOut, tops } from '../layout.js';
import { keyFor, mount, rootGql, screenshot } from '../mount.js';

afterEach(async () => {
  document.body.replaceChildren();
  vi.restoreAllMocks();
  await page.viewport(360, 720);
});

const votes = COMMON.ru.votes;
const num = (n: number): string => n.toLocaleString('ru');
const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

let seq = 0;
/** A leading 9 keeps these apart from other files' timestamp-based order ids. */
const newOrderId = (): string => `9${Date.now()}${String(++seq).padStart(3, '0')}`;
const newUserId = (): number => 810_000_000 + Math.floor(Math.random() * 10_000_000);

async function pay(user: number, fields: Record<string, string | number> = {}): Promise<void> {
  const answer = await commands.vkpNotify({
    app_id: SEED.vkAppId,
    item: 'gem_pack',
    item_price: 10,
    notification_type: 'order_status_change',
    status: 'chargeable',
    order_id: newOrderId(),
    user_id: user,
    version: '5.132',
    ...fields,
  });
  expect(answer).toContain('app_order_id');
}

/** The last `days` days through today, as the view's quick ranges ask: local midnights. */
function lastDays(days: number): { from: string; to: string } {
  const now = new Date();
  return {
    from: new Date(now.getFullYear(), now.getMonth(), now.getDate() - days + 1).toISOString(),
    to: new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).toISOString(),
  };
}

interface Figures {
  revenue: number;
  orders: number;
  payingUsers: number;
}

async function serverStats(range: { from: string; to: string }, granularity = 'DAY'): Promise<{ totals: Figures; points: Figures[] }> {
  const data = await rootGql<{ paymentStats: { totals: Figures; points: Figures[] } }>(
    `query($id: Int!, $from: DateTime!, $to: DateTime!, $g: StatsGranularity!, $tz: String!) {
      paymentStats(vkAppId: $id, from: $from, to: $to, granularity: $g, timeZone: $tz) { totals { revenue orders payingUsers } points { revenue orders payingUsers } } }`,
    { id: SEED.vkAppId, ...range, g: granularity, tz: timeZone },
  );
  return data.paymentStats;
}

/** The payments chart's periods (the subscriptions chart under it has its own: stats-subscriptions.test.ts). */
const periods = (view: Locator): Locator => view.getByRole('group', { name: /стрелки|arrow keys/ }).getByRole('img');
/** The chart with its tooltip: the whole view is taller than the test page, which clips screenshots. */
const plotOf = (view: Locator): Locator =>
  page.elementLocator((view.element() as HTMLElement).shadowRoot!.querySelector('[part="chart"]')!);
const revenueCard = (view: Locator): Locator => view.getByRole('group', { name: 'Доход', exact: true });

async function choosePreset(view: Locator, preset: 'd7' | 'd30' | 'd90' | 'month' | 'prevMonth'): Promise<void> {
  await userEvent.selectOptions(view.getByLabelText('Период', { exact: true }), preset);
}

async function mountLastWeek(attrs: Record<string, string> = {}): Promise<Locator> {
  const { view } = mount('vk-payments-stats', attrs);
  await expect.element(revenueCard(view)).toBeVisible();
  await choosePreset(view, 'd7');
  await expect.poll(() => periods(view).elements().length).toBe(7);
  return view;
}

test('the revenue card shows the real payments of the period, and one more 10-vote payment adds exactly 10', async () => {
  const [a, b] = [newUserId(), newUserId()];
  await pay(a);
  await pay(b);
  await pay(b);
  await pay(a, { notification_type: 'order_status_change_test' }); // never counted
  const view = await mountLastWeek();
  const before = await serverStats(lastDays(7));
  await expect.element(revenueCard(view)).toHaveTextContent(votes(before.totals.revenue));
  await expect
    .element(view.getByRole('group', { name: 'Платящие пользователи', exact: true }))
    .toHaveTextContent(num(before.totals.payingUsers));
  await expect.element(view.getByRole('group', { name: 'Платежи', exact: true })).toHaveTextContent(num(before.totals.orders));

  await pay(a);
  // Changing the period reloads the figures.
  await choosePreset(view, 'd30');
  await expect.poll(() => periods(view).elements().length).toBe(30);
  await choosePreset(view, 'd7');
  await expect.element(revenueCard(view)).toHaveTextContent(votes(before.totals.revenue + 10));
});

test("the chart has one bar group per day of a 7-day range; today's tells its revenue, and arrow keys move between days", async () => {
  await pay(newUserId());
  const view = await mountLastWeek();
  const today = (await serverStats(lastDays(7))).points.at(-1)!;
  const groups = periods(view);
  const last = groups.nth(6);
  await expect.element(last).toHaveAttribute('aria-label', expect.stringContaining(`Доход: ${votes(today.revenue)}`));
  // One Tab stop for the chart: the latest period.
  expect(groups.elements().map((g) => g.getAttribute('tabindex'))).toEqual(['-1', '-1', '-1', '-1', '-1', '-1', '0']);

  (last.element() as SVGElement).focus();
  const tooltip = (): string | undefined =>
    (view.element() as HTMLElement).shadowRoot?.querySelector('[part="tooltip"]')?.textContent ?? undefined;
  await expect.poll(tooltip).toContain(votes(today.revenue));
  await userEvent.keyboard('{ArrowLeft}');
  await expect.element(groups.nth(5)).toHaveAttribute('tabindex', '0');
  const el = view.element() as HTMLElement;
  expect(el.shadowRoot?.activeElement?.getAttribute('data-i')).toBe('5');
  await userEvent.keyboard('{End}');
  expect(el.shadowRoot?.activeElement?.getAttribute('data-i')).toBe('6');

  // The mouse shows any period's figures: the tooltip follows the pointer.
  (el.shadowRoot?.activeElement as SVGElement).blur();
  await userEvent.hover(groups.nth(2));
  const name = groups.nth(2).element().getAttribute('aria-label')!.split('. ')[0]!;
  await expect.poll(tooltip).toContain(name);
  await userEvent.unhover(groups.nth(2));
  await expect.poll(tooltip).toBeUndefined();
});

test('switching to weeks or months changes the number of periods; a range over 62 days switches to weeks by itself', async () => {
  const { view } = mount('vk-payments-stats');
  await expect.poll(() => periods(view).elements().length).toBe(30); // 30 days is the default
  const range = lastDays(30);
  await view.getByRole('button', { name: 'Недели' }).click();
  const weeks = (await serverStats(range, 'WEEK')).points.length;
  await expect.poll(() => periods(view).elements().length).toBe(weeks);
  await view.getByRole('button', { name: 'Месяцы' }).click();
  const months = (await serverStats(range, 'MONTH')).points.length;
  await expect.poll(() => periods(view).elements().length).toBe(months);
  expect([weeks, months].every((n) => n < 30 && n > 0)).toBe(true);

  await view.getByRole('button', { name: 'Дни' }).click();
  await choosePreset(view, 'd90');
  await expect.element(view.getByRole('button', { name: 'Недели' })).toHaveAttribute('aria-pressed', 'true');
  await expect.element(view.getByText('Период длиннее 62 дней')).toBeVisible();
  await expect.poll(() => periods(view).elements().length).toBe((await serverStats(lastDays(90), 'WEEK')).points.length);
});

test('a past period without payments says so and keeps the axis', async () => {
  const { view } = mount('vk-payments-stats');
  await expect.element(revenueCard(view)).toBeVisible();
  await userEvent.fill(view.getByLabelText('С', { exact: true }), '2020-01-01');
  await userEvent.fill(view.getByLabelText('По', { exact: true }), '2020-01-07');
  await expect.element(view.getByText('Нет платежей за этот период')).toBeVisible();
  await expect.element(view.getByRole('option', { name: 'Свои даты' })).toHaveProperty('selected', true);
  expect(periods(view).elements()).toHaveLength(7);
  await expect.element(revenueCard(view)).toHaveTextContent(votes(0));
  const axis = (view.element() as HTMLElement).shadowRoot!.querySelectorAll('svg text.y');
  expect([...axis].map((t) => t.textContent)).toContain('0');
  await screenshot(plotOf(view), 'stats-empty-light-chart');
});

test('the table shows the same figures as the chart', async () => {
  await pay(newUserId());
  const view = await mountLastWeek();
  const stats = await serverStats(lastDays(7));
  await view.getByRole('button', { name: 'Таблица' }).click();
  // The payments' table (the subscriptions part under it has its own: stats-subscriptions.test.ts).
  await expect.poll(() => (view.element() as HTMLElement).shadowRoot!.querySelector('[part="table"]')).not.toBeNull();
  const rows = page.elementLocator((view.element() as HTMLElement).shadowRoot!.querySelector('[part="table"]')!).getByRole('row');
  await expect.poll(() => rows.elements().length).toBe(9); // heading, 7 days, total
  await expect.element(rows.nth(7).getByRole('cell').first()).toHaveTextContent(num(stats.points.at(-1)!.revenue));
  await expect.element(rows.nth(8)).toHaveTextContent(`Итого${num(stats.totals.revenue)}`);
  await screenshot(
    page.elementLocator((view.element() as HTMLElement).shadowRoot!.querySelector('[part="table"]')!),
    'stats-table-light-360',
  );
  await view.getByRole('button', { name: 'График' }).click();
  await expect.poll(() => periods(view).elements().length).toBe(7);
});

test('dates are checked where they are typed: an end before the start, and a range too long for days', async () => {
  const { view } = mount('vk-payments-stats');
  await expect.element(revenueCard(view)).toBeVisible();
  const to = view.getByLabelText('По', { exact: true });
  await userEvent.fill(view.getByLabelText('С', { exact: true }), '2024-03-10');
  await userEvent.fill(to, '2024-03-01');
  await expect.element(to).toHaveAttribute('aria-invalid', 'true');
  await expect.element(to).toHaveAccessibleDescription('Раньше даты «С»');

  // Two years by day is more than the server's 366 points: its answer lands on the end date.
  await userEvent.fill(view.getByLabelText('С', { exact: true }), '2022-01-01');
  await userEvent.fill(to, '2023-12-31');
  await view.getByRole('button', { name: 'Дни' }).click();
  await expect.element(to).toHaveAttribute('aria-invalid', 'true');
  await expect.element(to).toHaveAccessibleDescription(/Слишком много.*366/);
  await view.getByRole('button', { name: 'Недели' }).click();
  await expect.element(to).toHaveAttribute('aria-invalid', 'false');
});

test('the CSV download saves the chosen period as a file with a header row', async () => {
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
  await view.getByRole('button', { name: 'Скачать CSV', exact: true }).click();
  await expect.poll(() => saved.length).toBe(1);
  const text = await saved[0]!.text();
  const lines = text
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/);
  expect(lines[0]).toBe('periodStart,revenue,itemsRevenue,subscriptionsRevenue,orders,refunds,payingUsers,arppu');
  expect(lines).toHaveLength(8); // header and 7 days
  expect(clicked[0]?.download).toMatch(new RegExp(`^stats-${SEED.vkAppId}-.+\\.csv$`));
});

test("works as the Statistics tab of <vk-payments-admin>, on the shell's session", async () => {
  await import('../../src/admin/admin.js');
  const { el, view } = mount('vk-payments-admin', { view: 'stats', theme: 'dark' });
  await expect.element(revenueCard(view)).toBeVisible();
  expect(el.shadowRoot?.querySelector('vk-payments-stats')?.getAttribute('theme')).toBe('dark');
  await expect.poll(() => periods(view).elements().length).toBe(30);
});

test('a viewer is told why there are no statistics', async () => {
  const { view } = mount('vk-payments-stats', { token: await keyFor('VIEWER') });
  await expect.element(view.getByRole('alert')).toHaveTextContent('Нет доступа');
});

test('negative revenue (refunds of earlier payments) draws bars below the zero line', () => {
  const day = (d: number, items: number, subs: number): Point => ({
    periodStart: `2026-01-0${d}T00:00:00Z`,
    periodEnd: `2026-01-0${d + 1}T00:00:00Z`,
    revenue: items + subs,
    itemsRevenue: items,
    subscriptionsRevenue: subs,
    orders: 1,
    refunds: 1,
    payingUsers: 1,
    arppu: null,
  });
  const points = [day(1, 50, 20), day(2, -30, -10)];
  const axis = (n: number): string => String(n);
  const g = geometry(points, 400, axis);
  expect(g.ticks[0]).toBeLessThan(0); // the axis reaches below zero
  const host = document.createElement('div');
  document.body.append(host);
  render(
    html`${renderChart({
      g,
      points,
      labels: [
        ['1', 'янв.'],
        ['2', 'янв.'],
      ],
      aria: ['1', '2'],
      active: null,
      focus: 1,
      t: strings.ru,
      axis,
    })}`,
    host,
  );
  const zero = Number(host.querySelector('line.zero')!.getAttribute('y1'));
  const below = host.querySelectorAll<SVGPathElement>('[data-i="1"] path');
  expect(below).toHaveLength(2);
  for (const bar of below) expect(bar.getBBox().y + bar.getBBox().height).toBeGreaterThan(zero + 1);
});

/** What a person checks on the chart: nothing sticks out, the tooltip stays on it, all its text is readable. */
async function expectChartReadable(view: Locator): Promise<void> {
  const el = view.element() as HTMLElement;
  const root = el.shadowRoot!;
  await expect.poll(() => root.querySelector('.data.stale')).toBeNull();
  await Promise.all(root.getAnimations().map((a) => a.finished));
  expect(sticksOut(el)).toEqual([]);
  expect(scrollsSideways(el)).toEqual([]);
  expect(inside(root.querySelector('[part="tooltip"]')!, root.querySelector('[part="chart"]')!)).toBe(true);
  expect(await contrastProblems(el)).toEqual([]);
  expect(faintSvgText(el)).toEqual([]);
}

test("in light and dark, on a phone and a desktop: the cards line up, nothing sticks out, today's tooltip stays on the chart, every text has AA contrast", async () => {
  await pay(newUserId());
  for (const width of [360, 1024]) {
    await page.viewport(width, 720); // taller and the test runner scales the page down
    for (const theme of ['light', 'dark']) {
      const view = await mountLastWeek({ theme });
      await choosePreset(view, 'd30');
      await expect.poll(() => periods(view).elements().length).toBe(30);
      // Revenue first and widest; on a phone the other four two a row under it, on a desktop all in one row.
      const [revenue, ...rest] = tops((view.element() as HTMLElement).shadowRoot!.querySelectorAll('[part="card"]'));
      expect(rest).toHaveLength(4);
      if (width === 360)
        expect([rest[0] === rest[1], rest[2] === rest[3], revenue! < rest[0]!, rest[1]! < rest[2]!]).toEqual([true, true, true, true]);
      else expect(new Set([revenue, ...rest]).size).toBe(1);
      await screenshot(view, `stats-${theme}-${width}`);
      (periods(view).nth(29).element() as SVGElement).focus(); // with today's tooltip open
      await expectChartReadable(view);
      await screenshot(plotOf(view), `stats-${theme}-${width}-chart`);
      document.body.replaceChildren();
    }
  }
});

/**
 * Real payments all land today, so the real server can only draw one bar. To judge the chart as an
 * operator sees it after a month of sales — stacked items and subscriptions, quiet days, a day of
 * refunds below zero — this one answers paymentStats with made-up figures (every other request goes
 * to the server).
 */
test("a busy month (made-up figures), light and dark, phone and desktop: a refund day's bars go below zero, quiet days have none, the date labels do not run into each other", async () => {
  const real = window.fetch.bind(window);
  vi.spyOn(window, 'fetch').mockImplementation(async (input, init) => {
    const body =
      typeof init?.body === 'string' ? (JSON.parse(init.body) as { query: string; variables: { from: string; to: string } }) : undefined;
    if (!body?.query.includes('paymentStats')) return real(input, init);
    const points: Point[] = [];
    for (
      let d = new Date(body.variables.from);
      d < new Date(body.variables.to);
      d = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1)
    ) {
      const i = points.length;
      const quiet = i === 11 || i === 12;
      const items = quiet ? 0 : i === 20 ? -120 : Math.round((300 + 220 * Math.sin(i / 3) + (i % 7 === 5 ? 420 : 0)) / 10) * 10;
      const subs = quiet || i === 20 ? 0 : i % 4 === 0 ? 150 : 50;
      const users = Math.max(0, Math.round((items + subs) / 45));
      const next = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1);
      points.push({
        periodStart: d.toISOString(),
        periodEnd: next.toISOString(),
        revenue: items + subs,
        itemsRevenue: items,
        subscriptionsRevenue: subs,
        orders: users + 1,
        refunds: i === 20 ? 12 : 0,
        payingUsers: users,
        arppu: users ? Math.round(((items + subs) / users) * 100) / 100 : null,
      });
    }
    const sum = (k: 'revenue' | 'itemsRevenue' | 'subscriptionsRevenue' | 'orders' | 'refunds' | 'payingUsers'): number =>
      points.reduce((a, p) => a + p[k], 0);
    const totals = {
      ...points[0]!,
      revenue: sum('revenue'),
      itemsRevenue: sum('itemsRevenue'),
      subscriptionsRevenue: sum('subscriptionsRevenue'),
      orders: sum('orders'),
      refunds: sum('refunds'),
      payingUsers: 187,
      arppu: Math.round((sum('revenue') / 187) * 100) / 100,
    };
    // Subscriptions of the same made-up month: a few new most days, cancellations now and then.
    let active = 40;
    const subsPoints = points.map(({ periodStart, periodEnd }, i) => {
      const [added, cancelled] = [i % 3, i % 5 === 0 ? 2 : 0];
      active += added - cancelled;
      const reasons = { userDecision: cancelled ? 1 : 0, appDecision: 0, paymentFail: cancelled ? 1 : 0, unknown: 0 };
      return {
        periodStart,
        periodEnd,
        active,
        activeSubscribers: active - 2,
        monthlyRecurringVotes: active * 30,
        new: added,
        renewed: i % 2,
        resumed: i === 7 ? 1 : 0,
        cancelled,
        cancelledPending: 0,
        cancelReasons: reasons,
      };
    });
    const subsTotals = {
      ...subsPoints.at(-1)!,
      new: 30,
      renewed: 15,
      resumed: 1,
      cancelled: 12,
      cancelledPending: 0,
      cancelReasons: { userDecision: 6, appDecision: 0, paymentFail: 6, unknown: 0 },
    };
    const subscriptionStats = { totals: subsTotals, points: subsPoints };
    return new Response(JSON.stringify({ data: { paymentStats: { totals, points }, subscriptionStats } }), {
      headers: { 'content-type': 'application/json' },
    });
  });
  for (const width of [360, 1024]) {
    await page.viewport(width, 720); // taller and the test runner scales the page down
    for (const [theme, locale] of [
      ['light', 'ru'],
      ['dark', 'ru'],
      ['light', 'en'],
    ] as const) {
      if (locale === 'en' && width > 360) continue;
      const { view } = mount('vk-payments-stats', { theme, locale });
      await expect.poll(() => periods(view).elements().length).toBe(30);
      await screenshot(view, `stats-busy-${theme}-${width}${locale === 'en' ? '-en' : ''}`);
      const root = (view.element() as HTMLElement).shadowRoot!;
      const zero = root.querySelector('line.zero')!.getBoundingClientRect().top;
      const bars = (i: number): DOMRect[] => [...root.querySelectorAll(`[data-i="${i}"] path`)].map((p) => p.getBoundingClientRect());
      expect(bars(20).map((b) => b.top >= zero - 1 && b.bottom > zero + 1)).toEqual([true]); // items only, all below
      expect([bars(11), bars(12)]).toEqual([[], []]);
      expect(bars(19).every((b) => b.bottom <= zero + 1)).toBe(true);
      for (const row of ['text:not(.sub)', 'text.sub']) expect(overlapping([...root.querySelectorAll(`g.x ${row}`)])).toEqual([]);
      (periods(view).nth(20).element() as SVGElement).focus(); // the refund day, tooltip open
      await expectChartReadable(view);
      await screenshot(plotOf(view), `stats-busy-${theme}-${width}${locale === 'en' ? '-en' : ''}-chart`);
      // The subscriptions chart under it: a column per day, its date labels apart too.
      expect(root.querySelectorAll('[part="subs-chart"] g.subs-period')).toHaveLength(30);
      expect(overlapping([...root.querySelectorAll('[part="subs-chart"] g.x text')])).toEqual([]);
      const subscriptions = page.elementLocator(root.querySelector('[part="subscriptions"]')!);
      await screenshot(subscriptions, `stats-busy-${theme}-${width}${locale === 'en' ? '-en' : ''}-subscriptions`);
      document.body.replaceChildren();
    }
  }
});
