/**
 * Calendar periods (days, weeks from Monday, months) in an IANA time zone, as the instants they start
 * and end at. Only Intl is used: no dialect-specific SQL date math, so a boundary is the same on SQLite
 * and PostgreSQL and right across DST changes (a day may last 23 or 25 hours, or begin at 01:00 where
 * the clocks jump over midnight).
 */

export type Granularity = 'DAY' | 'WEEK' | 'MONTH';

/** [start, end): `end` is the next period's start. */
export interface Period {
  start: Date;
  end: Date;
}

const SECOND = 1000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws RangeError for a zone Intl does not know. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === '') return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `ms`, written as if it were a UTC instant (whole seconds). */
export function wallClock(ms: number, timeZone: string): number {
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatter(timeZone).formatToParts(Math.floor(ms / SECOND) * SECOND)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = p;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

const offsetAt = (ms: number, timeZone: string): number => wallClock(ms, timeZone) - Math.floor(ms / SECOND) * SECOND;

/**
 * The first instant of the local calendar day `civil` (that day's midnight written as UTC).
 * When midnight happens twice (clocks back over it) the earlier one; when it never happens (clocks
 * forward over it, e.g. America/Santiago in September) the moment of the jump.
 */
export function startOfLocalDay(civil: number, timeZone: string): number {
  const before = offsetAt(civil - DAY, timeZone);
  const after = offsetAt(civil + DAY, timeZone);
  const exact = [civil - before, civil - after].filter((t) => wallClock(t, timeZone) === civil);
  if (exact.length > 0) return Math.min(...exact);
  // Midnight was skipped: find the first second whose wall clock is on or after it.
  let lo = Math.min(civil - before, civil - after); // still the previous day
  let hi = Math.max(civil - before, civil - after); // already this day
  while (hi - lo > SECOND) {
    const mid = lo + Math.floor((hi - lo) / 2 / SECOND) * SECOND;
    if (wallClock(mid, timeZone) >= civil) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The local calendar day (as midnight written in UTC) that `ms` falls on in `timeZone`. */
function civilDay(ms: number, timeZone: string): number {
  const wall = wallClock(ms, timeZone);
  return wall - (((wall % DAY) + DAY) % DAY);
}

function firstCivil(civil: number, granularity: Granularity): number {
  const d = new Date(civil);
  switch (granularity) {
    case 'DAY':
      return civil;
    case 'WEEK':
      return civil - ((d.getUTCDay() + 6) % 7) * DAY; // weeks start on Monday
    case 'MONTH':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
}

function nextCivil(civil: number, granularity: Granularity): number {
  const d = new Date(civil);
  switch (granularity) {
    case 'DAY':
      return civil + DAY;
    case 'WEEK':
      return civil + 7 * DAY;
    case 'MONTH':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
}

/**
 * Every period from the one containing `from` to the last one starting before `to`, or null when
 * there would be more than `max` of them. Throws RangeError for an unknown time zone.
 */
export function statsPeriods(from: Date, to: Date, granularity: Granularity, timeZone: string, max: number): Period[] | null {
  const periods: Period[] = [];
  let civil = firstCivil(civilDay(from.getTime(), timeZone), granularity);
  let start = startOfLocalDay(civil, timeZone);
  for (;;) {
    if (periods.length === max) return null;
    civil = nextCivil(civil, granularity);
    const end = startOfLocalDay(civil, timeZone);
    periods.push({ start: new Date(start), end: new Date(end) });
    if (end >= to.getTime()) return periods;
    start = end;
  }
}

/** `at` as ISO 8601 with the zone's offset, e.g. 2026-05-01T00:00:00+03:00: the same instant, readable as local time. */
export function isoInZone(at: Date, timeZone: string): string {
  const wall = wallClock(at.getTime(), timeZone);
  const offsetMinutes = Math.round((wall - Math.floor(at.getTime() / SECOND) * SECOND) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${new Date(wall).toISOString().slice(0, 19)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
