/**
 * Calendar math of the period picker, in the browser's time zone — the one the view sends to the
 * server, so a "day" on screen is the server's DAY period. `<input type="date">` values are local
 * calendar dates; the API takes instants: `from` = that day's local midnight, `to` (exclusive) = the
 * midnight after the last day shown.
 */
import type { Locale } from '../../i18n.js';

export type Granularity = 'DAY' | 'WEEK' | 'MONTH';
export const GRANULARITIES: readonly Granularity[] = ['DAY', 'WEEK', 'MONTH'];
export const PRESETS = ['d7', 'd30', 'd90', 'month', 'prevMonth'] as const;
export type Preset = (typeof PRESETS)[number] | 'custom';

/** Over this many days, bars by day get too thin to read: the view switches to weeks. */
export const MAX_DAILY_DAYS = 62;

export const timeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

const pad = (n: number): string => String(n).padStart(2, '0');

/** A local calendar date as an `<input type="date">` value. */
export const dateValue = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** Local midnight of an `<input type="date">` value; null when empty or malformed. */
export function parseDate(value: string, plusDays = 0): Date | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(value);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays) : null;
}

/** The first and last day (both shown) of a quick range, ending today. */
export function presetRange(preset: Exclude<Preset, 'custom'>, today = new Date()): [string, string] {
  const y = today.getFullYear();
  const m = today.getMonth();
  const back = (days: number): [string, string] => [dateValue(new Date(y, m, today.getDate() - days + 1)), dateValue(today)];
  switch (preset) {
    case 'd7':
      return back(7);
    case 'd30':
      return back(30);
    case 'd90':
      return back(90);
    case 'month':
      return [dateValue(new Date(y, m, 1)), dateValue(today)];
    case 'prevMonth':
      // Day 0 of this month is the last day of the previous one.
      return [dateValue(new Date(y, m - 1, 1)), dateValue(new Date(y, m, 0))];
  }
}

/** Days from `from` through `to`; rounding absorbs the 23- and 25-hour days of DST changes. */
export const spanDays = (from: Date, to: Date): number => Math.round((to.getTime() - from.getTime()) / 86_400_000) + 1;

const formats = new Map<string, Intl.DateTimeFormat>();

/** Intl formatters are costly to build and a chart asks for hundreds of labels: one per options. */
export function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(options);
  let format = formats.get(key);
  if (!format) formats.set(key, (format = new Intl.DateTimeFormat(locale, { timeZone: timeZone(), ...options })));
  return format;
}

/** A period's full name for the tooltip, the table and screen readers: a day, a week's days, a month. */
export function periodName(start: string, end: string, granularity: Granularity, locale: Locale): string {
  const from = new Date(start);
  if (granularity === 'MONTH') return dateFormat(locale, { month: 'long', year: 'numeric' }).format(from);
  if (granularity === 'DAY') return dateFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(from);
  // periodEnd is the next week's first instant; a millisecond before it is still the week's last day.
  return dateFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' }).formatRange(from, new Date(new Date(end).getTime() - 1));
}

/**
 * Two-line x-axis labels: the day (or month) on top, and under it the month (or year) where it
 * changes, so a 30-day axis reads "28 29 30 1 2" with "июн." under the 1 instead of repeating it.
 */
export function axisLabels(starts: readonly string[], granularity: Granularity, locale: Locale): Array<[string, string]> {
  const monthly = granularity === 'MONTH';
  const main = dateFormat(locale, monthly ? { month: 'short' } : { day: 'numeric' });
  const sub = dateFormat(locale, monthly ? { year: 'numeric' } : { month: 'short' });
  return starts.map((s) => {
    const d = new Date(s);
    return [main.format(d), sub.format(d)];
  });
}
