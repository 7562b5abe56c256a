/**
 * Payment statistics (docs/protocol.md §8 "Statistics → Payments"; ARCHITECTURE.md §4 `paymentStats`).
 *
 * Definitions, per calendar period in the requested time zone:
 * - `orders`: payments (item orders and subscription charges) recorded in the period;
 * - `revenue`: votes of those payments minus votes refunded in the period (by refund time), split into
 *   items (no subscriptionId) and subscriptions;
 * - `refunds`: payments refunded in the period; `payingUsers`: distinct users paying in the period;
 * - `arppu`: revenue / payingUsers.
 * Test payments never count (ARCHITECTURE.md §2). Rows are read in id batches with only the columns needed
 * and bucketed here with Intl (periods.ts), so no SQL date math differs between SQLite and PostgreSQL.
 * VK's panel also shows ARPU and the share of paying users; those need the app's audience, which VK
 * never sends us, so they are not offered.
 */
import type { EntityManager, ObjectQuery } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { InputErrorParams } from '@vk-payments/shared';
import { z } from 'zod';
import { ApiError, badInput, parseInput } from '../graphql/errors.js';
import { Transaction } from '../orders/transaction.entity.js';
import { isTimeZone, statsPeriods, type Granularity, type Period } from './periods.js';
import { DEFAULT_STATS_TIME_ZONE } from './stats.types.js';

/** Points one request may ask for: a year of days, five years of weeks, ten years of months. */
export const MAX_POINTS: Record<Granularity, number> = { DAY: 366, WEEK: 260, MONTH: 120 };
const BATCH_SIZE = 5000;
const INT_MAX = 2_147_483_647;

/** What one transaction contributes: its payment by `createdAt`, its refund by `refundedAt`. */
export interface StatsRow {
  createdAt: Date;
  refundedAt: Date | null;
  price: number;
  vkUserId: number;
  subscriptionId: string | null;
}

export interface StatsPoint {
  periodStart: Date;
  periodEnd: Date;
  revenue: number;
  itemsRevenue: number;
  subscriptionsRevenue: number;
  orders: number;
  refunds: number;
  payingUsers: number;
  arppu: number | null;
}

export interface StatsResult {
  totals: StatsPoint;
  points: StatsPoint[];
}

interface Bucket {
  itemsRevenue: number;
  subscriptionsRevenue: number;
  orders: number;
  refunds: number;
  users: Set<number>;
}

const emptyBucket = (): Bucket => ({ itemsRevenue: 0, subscriptionsRevenue: 0, orders: 0, refunds: 0, users: new Set() });

/** Sums rows into periods; rows may arrive in any number of batches. */
export class StatsAccumulator {
  private readonly starts: number[];
  private readonly end: number;
  private readonly buckets: Bucket[];
  private readonly total = emptyBucket();

  constructor(private readonly periods: readonly Period[]) {
    this.starts = periods.map((p) => p.start.getTime());
    this.end = periods.at(-1)?.end.getTime() ?? -Infinity;
    this.buckets = periods.map(emptyBucket);
  }

  /** The period holding `at`, or -1 outside the range. */
  private indexOf(at: Date): number {
    const t = at.getTime();
    if (this.starts.length === 0 || t < this.starts[0]! || t >= this.end) return -1;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  add(row: StatsRow): void {
    const paid = this.indexOf(row.createdAt);
    if (paid >= 0) {
      for (const b of [this.buckets[paid]!, this.total]) {
        b.orders += 1;
        if (row.subscriptionId === null) b.itemsRevenue += row.price;
        else b.subscriptionsRevenue += row.price;
        b.users.add(row.vkUserId);
      }
    }
    const refunded = row.refundedAt ? this.indexOf(row.refundedAt) : -1;
    if (refunded >= 0) {
      for (const b of [this.buckets[refunded]!, this.total]) {
        b.refunds += 1;
        if (row.subscriptionId === null) b.itemsRevenue -= row.price;
        else b.subscriptionsRevenue -= row.price;
      }
    }
  }

  result(): StatsResult {
    const first = this.periods[0];
    return {
      totals: point(this.total, first?.start ?? new Date(NaN), this.periods.at(-1)?.end ?? new Date(NaN)),
      points: this.periods.map((p, i) => point(this.buckets[i]!, p.start, p.end)),
    };
  }
}

function asInt(votes: number, what: string): number {
  if (Math.abs(votes) > INT_MAX) {
    throw new ApiError('BAD_USER_INPUT', `${what} is ${votes} votes, beyond what a GraphQL Int carries; ask for a shorter range`, {
      field: 'to',
      params: { reason: 'resultTooLarge', max: INT_MAX } satisfies InputErrorParams,
    });
  }
  return votes;
}

function point(b: Bucket, periodStart: Date, periodEnd: Date): StatsPoint {
  const revenue = asInt(b.itemsRevenue + b.subscriptionsRevenue, 'revenue');
  const payingUsers = b.users.size;
  return {
    periodStart,
    periodEnd,
    revenue,
    itemsRevenue: asInt(b.itemsRevenue, 'itemsRevenue'),
    subscriptionsRevenue: asInt(b.subscriptionsRevenue, 'subscriptionsRevenue'),
    orders: b.orders,
    refunds: b.refunds,
    payingUsers,
    arppu: payingUsers === 0 ? null : Math.round((revenue / payingUsers) * 100) / 100,
  };
}

/** Pure: the figures of `periods` from `rows` (which must be real, not test, payments). */
export function bucketStats(rows: Iterable<StatsRow>, periods: readonly Period[]): StatsResult {
  const acc = new StatsAccumulator(periods);
  for (const row of rows) acc.add(row);
  return acc.result();
}

export const paymentStatsArgs = z
  .object({
    from: z.date({ error: 'must be a date-time' }),
    to: z.date({ error: 'must be a date-time' }),
    granularity: z.enum(['DAY', 'WEEK', 'MONTH']).default('DAY'),
    timeZone: z
      .string()
      .default(DEFAULT_STATS_TIME_ZONE)
      .refine(isTimeZone, {
        error: 'must be an IANA time zone such as Europe/Moscow',
        params: { reason: 'invalidFormat', format: 'timeZone' } satisfies InputErrorParams,
      }),
  })
  .refine((a) => a.from.getTime() < a.to.getTime(), {
    error: 'must be after from',
    path: ['to'],
    params: { reason: 'notAfterFrom' } satisfies InputErrorParams,
  });

export type PaymentStatsArgsData = z.input<typeof paymentStatsArgs>;

/** The validated arguments and their periods; BAD_USER_INPUT naming the argument otherwise. */
export function resolvePeriods(input: PaymentStatsArgsData): { periods: Period[]; timeZone: string; granularity: Granularity } {
  const args = parseInput(paymentStatsArgs, input);
  const max = MAX_POINTS[args.granularity];
  const periods = statsPeriods(args.from, args.to, args.granularity, args.timeZone, max);
  if (!periods) {
    throw badInput(
      'to',
      { reason: 'resultTooLarge', max },
      `the range holds more than ${max} ${args.granularity} periods; shorten it or choose a coarser granularity`,
    );
  }
  return { periods, timeZone: args.timeZone, granularity: args.granularity };
}

const STATS_FIELDS = ['id', 'createdAt', 'refundedAt', 'price', 'vkUserId', 'subscriptionId'] as const;

/** Only the columns stats need, in id batches, so memory stays flat over a busy year. */
async function* statsRows(em: EntityManager, where: ObjectQuery<Transaction>): AsyncGenerator<StatsRow[]> {
  let after = 0;
  for (;;) {
    const rows = await (em as SqlEntityManager) // both drivers of db/orm.ts are SQL drivers
      .createQueryBuilder(Transaction)
      .select([...STATS_FIELDS])
      .where({ $and: [where, { id: { $gt: after } }] })
      .orderBy({ id: 'asc' })
      .limit(BATCH_SIZE)
      .execute('all', true);
    if (rows.length === 0) return;
    after = rows.at(-1)!.id;
    // PostgreSQL hands bigint columns back as strings when rows are not hydrated into entities.
    yield rows.map((r) => ({ ...r, vkUserId: Number(r.vkUserId), price: Number(r.price) }));
    if (rows.length < BATCH_SIZE) return;
  }
}

export async function paymentStats(em: EntityManager, appId: number, input: PaymentStatsArgsData): Promise<StatsResult> {
  const { periods } = resolvePeriods(input);
  const range = { $gte: periods[0]!.start, $lt: periods.at(-1)!.end };
  const acc = new StatsAccumulator(periods);
  // Payments recorded in the range (uses the app+createdAt index), then refunds in the range of
  // payments recorded outside it, so no row is read twice.
  const paid: ObjectQuery<Transaction> = { app: appId, test: false, createdAt: range };
  const refundedOnly: ObjectQuery<Transaction> = {
    app: appId,
    test: false,
    refundedAt: range,
    $or: [{ createdAt: { $lt: range.$gte } }, { createdAt: { $gte: range.$lt } }],
  };
  for (const where of [paid, refundedOnly]) {
    for await (const batch of statsRows(em, where)) for (const row of batch) acc.add(row);
  }
  return acc.result();
}
