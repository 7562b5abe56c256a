import { describe, expect, it } from 'vitest';
import { ApiError } from '../graphql/errors.js';
import { isoInZone, isTimeZone, statsPeriods, type Granularity, type Period } from './periods.js';
import { bucketStats, resolvePeriods, type StatsRow } from './stats.service.js';

const periods = (from: string, to: string, granularity: Granularity, timeZone: string, max = 400): Period[] =>
  statsPeriods(new Date(from), new Date(to), granularity, timeZone, max)!;
const starts = (ps: Period[]): string[] => ps.map((p) => p.start.toISOString());
const hours = (ps: Period[]): number[] => ps.map((p) => (p.end.getTime() - p.start.getTime()) / 3_600_000);

const row = (createdAt: string, price: number, vkUserId: number, extra: Partial<StatsRow> = {}): StatsRow => ({
  createdAt: new Date(createdAt),
  refundedAt: null,
  price,
  vkUserId,
  subscriptionId: null,
  ...extra,
});

function badInput(run: () => unknown): { field: unknown; message: string } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.extensions.code).toBe('BAD_USER_INPUT');
    return { field: e.extensions.field, message: e.message };
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('calendar periods in a time zone', () => {
  it('days in Moscow start at 21:00 UTC, from the day containing `from` to the last day starting before `to`', () => {
    const ps = periods('2026-05-01T10:00:00Z', '2026-05-03T21:00:00Z', 'DAY', 'Europe/Moscow');
    expect(starts(ps)).toEqual(['2026-04-30T21:00:00.000Z', '2026-05-01T21:00:00.000Z', '2026-05-02T21:00:00.000Z']);
    expect(ps.at(-1)!.end.toISOString()).toBe('2026-05-03T21:00:00.000Z');
  });

  it('a Berlin day is 23 hours when clocks go forward and 25 when they go back', () => {
    expect(hours(periods('2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z', 'DAY', 'Europe/Berlin'))).toEqual([24, 23, 24]);
    const autumn = periods('2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z', 'DAY', 'Europe/Berlin');
    expect(starts(autumn)).toEqual(['2026-10-23T22:00:00.000Z', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    expect(hours(autumn)).toEqual([24, 25, 24]);
  });

  it('where the clocks jump over midnight (Santiago, September) the day starts at the jump, 01:00 local', () => {
    const ps = periods('2026-09-05T12:00:00Z', '2026-09-06T12:00:00Z', 'DAY', 'America/Santiago');
    expect(starts(ps)).toEqual(['2026-09-05T04:00:00.000Z', '2026-09-06T04:00:00.000Z']);
    expect(isoInZone(ps[1]!.start, 'America/Santiago')).toBe('2026-09-06T01:00:00-03:00');
    expect(hours(ps)).toEqual([24, 23]);
  });

  it('where midnight happens twice (Havana, clocks back from 01:00 in November) the day starts at the first one', () => {
    const ps = periods('2026-11-01T12:00:00Z', '2026-11-01T13:00:00Z', 'DAY', 'America/Havana');
    expect(starts(ps)).toEqual(['2026-11-01T04:00:00.000Z']);
    expect(hours(ps)).toEqual([25]);
  });

  it('weeks start on Monday in the zone', () => {
    // 2026-05-06 is a Wednesday; Monday 2026-05-04 00:00 in Kolkata (+05:30) is 2026-05-03T18:30Z.
    const ps = periods('2026-05-06T12:00:00Z', '2026-05-18T00:00:00Z', 'WEEK', 'Asia/Kolkata');
    expect(starts(ps)).toEqual(['2026-05-03T18:30:00.000Z', '2026-05-10T18:30:00.000Z', '2026-05-17T18:30:00.000Z']);
    expect(ps.map((p) => new Date(p.start.getTime() + 5.5 * 3_600_000).getUTCDay())).toEqual([1, 1, 1]);
  });

  it('months follow the calendar: January 31st belongs to January, February has 28 days', () => {
    const ps = periods('2026-01-31T12:00:00Z', '2026-03-01T00:00:00Z', 'MONTH', 'Europe/Moscow');
    expect(starts(ps)).toEqual(['2025-12-31T21:00:00.000Z', '2026-01-31T21:00:00.000Z', '2026-02-28T21:00:00.000Z']);
    expect(hours(ps).map((h) => h / 24)).toEqual([31, 28, 31]);
  });

  it('an instant just before midnight UTC is already the next day in Moscow', () => {
    expect(starts(periods('2026-05-01T22:30:00Z', '2026-05-01T23:00:00Z', 'DAY', 'Europe/Moscow'))).toEqual(['2026-05-01T21:00:00.000Z']);
  });

  it('gives up (null) past the maximum number of periods', () => {
    expect(statsPeriods(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-04T00:00:00Z'), 'DAY', 'UTC', 3)).toHaveLength(3);
    expect(statsPeriods(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-04T00:00:01Z'), 'DAY', 'UTC', 3)).toBeNull();
  });

  it('knows IANA zones and refuses made-up ones', () => {
    expect(isTimeZone('Europe/Moscow')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('writes instants with the zone offset', () => {
    expect(isoInZone(new Date('2026-04-30T21:00:00Z'), 'Europe/Moscow')).toBe('2026-05-01T00:00:00+03:00');
    expect(isoInZone(new Date('2026-05-01T00:00:00Z'), 'Asia/Kolkata')).toBe('2026-05-01T05:30:00+05:30');
    expect(isoInZone(new Date('2026-05-01T00:00:00Z'), 'UTC')).toBe('2026-05-01T00:00:00+00:00');
  });
});

describe('bucketStats', () => {
  const days = periods('2026-05-01T00:00:00Z', '2026-05-04T00:00:00Z', 'DAY', 'UTC');

  it('counts orders, revenue by kind and distinct paying users per day, and leaves empty days at zero', () => {
    const stats = bucketStats(
      [
        row('2026-05-01T08:00:00Z', 10, 1),
        row('2026-05-01T09:00:00Z', 20, 1),
        row('2026-05-01T23:59:59Z', 30, 2, { subscriptionId: 'sub-1' }),
        row('2026-05-03T00:00:00Z', 7, 3),
      ],
      days,
    );
    expect(stats.points).toEqual([
      {
        periodStart: days[0]!.start,
        periodEnd: days[0]!.end,
        revenue: 60,
        itemsRevenue: 30,
        subscriptionsRevenue: 30,
        orders: 3,
        refunds: 0,
        payingUsers: 2,
        arppu: 30,
      },
      {
        periodStart: days[1]!.start,
        periodEnd: days[1]!.end,
        revenue: 0,
        itemsRevenue: 0,
        subscriptionsRevenue: 0,
        orders: 0,
        refunds: 0,
        payingUsers: 0,
        arppu: null,
      },
      {
        periodStart: days[2]!.start,
        periodEnd: days[2]!.end,
        revenue: 7,
        itemsRevenue: 7,
        subscriptionsRevenue: 0,
        orders: 1,
        refunds: 0,
        payingUsers: 1,
        arppu: 7,
      },
    ]);
  });

  it('takes a refund off the day it was refunded, not the day it was paid', () => {
    const stats = bucketStats(
      [
        row('2026-05-01T08:00:00Z', 50, 1, { refundedAt: new Date('2026-05-02T10:00:00Z') }),
        row('2026-05-02T08:00:00Z', 30, 2, { subscriptionId: 's', refundedAt: new Date('2026-05-02T09:00:00Z') }),
      ],
      days,
    );
    expect(stats.points.map((p) => [p.orders, p.refunds, p.revenue, p.itemsRevenue, p.subscriptionsRevenue, p.payingUsers])).toEqual([
      [1, 0, 50, 50, 0, 1],
      [1, 2, -50, -50, 0, 1],
      [0, 0, 0, 0, 0, 0],
    ]);
    expect(stats.points[1]!.arppu).toBe(-50);
  });

  it('counts a refund of a payment made before the range, and ignores what falls outside it', () => {
    const stats = bucketStats(
      [
        row('2026-04-20T08:00:00Z', 40, 9, { refundedAt: new Date('2026-05-03T01:00:00Z') }),
        row('2026-04-30T23:59:59Z', 99, 8),
        row('2026-05-04T00:00:00Z', 99, 8),
      ],
      days,
    );
    expect(stats.points.map((p) => [p.orders, p.refunds, p.revenue])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 1, -40],
    ]);
    expect(stats.totals).toMatchObject({ orders: 0, refunds: 1, revenue: -40, payingUsers: 0, arppu: null });
  });

  it('totals count a user paying on several days once, and ARPPU is rounded to 2 decimals', () => {
    const stats = bucketStats(
      [row('2026-05-01T08:00:00Z', 10, 1), row('2026-05-02T08:00:00Z', 10, 1), row('2026-05-03T08:00:00Z', 12, 2)],
      days,
    );
    expect(stats.points.map((p) => p.payingUsers)).toEqual([1, 1, 1]);
    expect(stats.totals).toEqual({
      periodStart: days[0]!.start,
      periodEnd: days[2]!.end,
      revenue: 32,
      itemsRevenue: 32,
      subscriptionsRevenue: 0,
      orders: 3,
      refunds: 0,
      payingUsers: 2,
      arppu: 16,
    });
    expect(
      bucketStats([row('2026-05-01T01:00:00Z', 10, 1), row('2026-05-01T02:00:00Z', 0, 2), row('2026-05-01T03:00:00Z', 0, 3)], days).totals
        .arppu,
    ).toBe(3.33);
  });

  it('puts a payment at 00:30 local on the day after a 23-hour DST day into that next day', () => {
    const berlin = periods('2026-03-29T00:00:00Z', '2026-03-30T12:00:00Z', 'DAY', 'Europe/Berlin');
    const stats = bucketStats([row('2026-03-29T21:59:59Z', 5, 1), row('2026-03-29T22:30:00Z', 6, 2)], berlin);
    expect(stats.points.map((p) => p.revenue)).toEqual([5, 6]);
  });

  it('refuses a revenue sum GraphQL Int cannot carry instead of returning a wrong number', () => {
    const huge = [row('2026-05-01T01:00:00Z', 2_000_000_000, 1), row('2026-05-01T02:00:00Z', 2_000_000_000, 2)];
    expect(badInput(() => bucketStats(huge, days)).message).toMatch(/revenue is 4000000000 votes/);
  });
});

describe('paymentStats arguments', () => {
  const at = (s: string): Date => new Date(s);

  it('resolves the defaults: DAY in Europe/Moscow', () => {
    const r = resolvePeriods({ from: at('2026-05-01T00:00:00+03:00'), to: at('2026-05-08T00:00:00+03:00') });
    expect(r.granularity).toBe('DAY');
    expect(r.timeZone).toBe('Europe/Moscow');
    expect(r.periods).toHaveLength(7);
  });

  it('refuses `to` not after `from`, naming to', () => {
    expect(badInput(() => resolvePeriods({ from: at('2026-05-02T00:00:00Z'), to: at('2026-05-02T00:00:00Z') })).field).toBe('to');
  });

  it('refuses an unknown time zone, naming timeZone', () => {
    const e = badInput(() =>
      resolvePeriods({ from: at('2026-05-01T00:00:00Z'), to: at('2026-05-02T00:00:00Z'), timeZone: 'Moscow/Kremlin' }),
    );
    expect(e.field).toBe('timeZone');
    expect(e.message).toMatch(/IANA time zone/);
  });

  it.each([
    ['DAY', '2026-01-01T00:00:00Z', '2027-01-02T00:00:01Z', '2027-01-02T00:00:00Z'],
    ['WEEK', '2026-01-05T00:00:00Z', '2031-01-01T00:00:00Z', '2030-12-30T00:00:00Z'],
    ['MONTH', '2026-01-01T00:00:00Z', '2036-01-02T00:00:00Z', '2036-01-01T00:00:00Z'],
  ] as const)('allows at most the maximum number of %s points', (granularity, from, tooFar, justFits) => {
    const max = { DAY: 366, WEEK: 260, MONTH: 120 }[granularity];
    expect(resolvePeriods({ from: at(from), to: at(justFits), granularity, timeZone: 'UTC' }).periods).toHaveLength(max);
    const e = badInput(() => resolvePeriods({ from: at(from), to: at(tooFar), granularity, timeZone: 'UTC' }));
    expect(e.field).toBe('to');
    expect(e.message).toContain(`more than ${max} ${granularity}`);
  });
});
