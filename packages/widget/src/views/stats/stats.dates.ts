/**
 * Calendar math of the period picker, in the browser's time zone — the one the view sends to the
 * server and Intl's default, so a "day" on screen is the server's DAY period. `<input type="date">`
 * values are local calendar dates; the API takes instants (`dayStart`/`dayEnd` of the shared
 * filters: `from` = that day's local midnight, `to` (exclusive) = the midnight after the last day).
 */
import type { Locale } from '../../i18n.js';
import type { Point } from './stats.chart.js';

export type Granularity = 'DAY' | 'WEEK' | 'MONTH';
export type Preset = 'd7' | 'd30' | 'd90' | 'month' | 'prevMonth' | 'custom';

/** The first and last day (both shown) of a quick range, ending today. */
export function presetRange(preset: Exclude<Preset, 'custom'>): [string, string] {
  const today = new Date();
  const y = today.getFullYear();
  const m = today.getMonth();
  const d = today.getDate();
  // Calendar arithmetic in UTC, where a date's ISO form is the date itself: Date.UTC carries day 0 or a
  // negative day into the month before, as the calendar does, and no time zone shifts the result.
  const day = (month: number, date: number): string => new Date(Date.UTC(y, month, date)).toISOString().slice(0, 10);
  // Day 0 of this month is the last day of the previous one; d7…d90 name their length.
  return preset === 'prevMonth'
    ? [day(m - 1, 1), day(m, 0)]
    : [preset === 'month' ? day(m, 1) : day(m, d + 1 - Number(preset.slice(1))), day(m, d)];
}

/**
 * Each period's full name (tooltip, table, screen readers: a day, a week's days, a month) and its
 * two-line x-axis label: the day (or month) on top, and under it the month (or year), which the chart
 * shows only where it changes, so a 30-day axis reads "28 29 30 1 2" with "июн." under the 1.
 */
export function periodTexts(
  points: ReadonlyArray<Pick<Point, 'periodStart' | 'periodEnd'>>,
  granularity: Granularity,
  locale: Locale,
): { names: string[]; labels: Array<[string, string]> } {
  const f = (options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat => new Intl.DateTimeFormat(locale, options);
  const monthly = granularity === 'MONTH';
  const name = f(
    monthly
      ? { month: 'long', year: 'numeric' }
      : { weekday: granularity === 'DAY' ? 'short' : undefined, day: 'numeric', month: 'short', year: 'numeric' },
  );
  const main = f(monthly ? { month: 'short' } : { day: 'numeric' });
  const sub = f(monthly ? { year: 'numeric' } : { month: 'short' });
  const names: string[] = [];
  const labels = points.map((p): [string, string] => {
    const d = new Date(p.periodStart);
    // periodEnd is the next week's first instant; a millisecond before it is still the week's last day.
    names.push(granularity === 'WEEK' ? name.formatRange(d, new Date(Date.parse(p.periodEnd) - 1)) : name.format(d));
    return [main.format(d), sub.format(d)];
  });
  return { names, labels };
}
