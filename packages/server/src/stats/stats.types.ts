/** GraphQL shapes of `paymentStats` (ARCHITECTURE.md §4 names: PaymentStats, PaymentStatsPoint). */
import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars.js';
import type { Granularity } from './periods.js';

export const StatsGranularityEnum = { DAY: 'DAY', WEEK: 'WEEK', MONTH: 'MONTH' } as const satisfies Record<Granularity, Granularity>;
registerEnumType(StatsGranularityEnum, {
  name: 'StatsGranularity',
  description: 'Calendar periods in the requested time zone; weeks start on Monday.',
});

export const DEFAULT_STATS_TIME_ZONE = 'Europe/Moscow';

@ObjectType('PaymentStatsPoint', {
  description:
    'Payment figures of one calendar period (or, as `totals`, of the whole range). Test payments are never counted. Votes are integers.',
})
export class PaymentStatsPoint {
  @Field(() => DateTimeScalar, { description: 'The instant the period starts in the requested time zone (DST-correct).' })
  periodStart!: Date;

  @Field(() => DateTimeScalar, { description: 'The instant the next period starts.' })
  periodEnd!: Date;

  @Field(() => Int, {
    description: 'Votes of the payments recorded in the period minus the votes refunded in the period (by refund time); may be negative.',
  })
  revenue!: number;

  @Field(() => Int, { description: 'The part of `revenue` from item orders.' })
  itemsRevenue!: number;

  @Field(() => Int, { description: 'The part of `revenue` from subscription charges.' })
  subscriptionsRevenue!: number;

  @Field(() => Int, { description: 'Payments recorded in the period: item orders and subscription charges, refunded later or not.' })
  orders!: number;

  @Field(() => Int, { description: 'Payments refunded in the period (by refund time, whenever they were paid).' })
  refunds!: number;

  @Field(() => Int, { description: 'Distinct users with a payment recorded in the period (for `totals`: distinct across the range).' })
  payingUsers!: number;

  @Field(() => Float, { nullable: true, description: '`revenue / payingUsers`, rounded to 2 decimals; null when nobody paid.' })
  arppu!: number | null;
}

@ObjectType('PaymentStats')
export class PaymentStats {
  @Field(() => PaymentStatsPoint, { description: 'The whole range: from the start of the first period to the end of the last.' })
  totals!: PaymentStatsPoint;

  @Field(() => [PaymentStatsPoint], { description: 'One point per period, oldest first; periods without payments are present with zeros.' })
  points!: PaymentStatsPoint[];
}

@ArgsType()
export class PaymentStatsArgs {
  @Field(() => DateTimeScalar, { description: 'The first point is the period containing this instant.' })
  from!: Date;

  @Field(() => DateTimeScalar, {
    description: 'Exclusive: the last point is the last period starting before this instant. Must be after `from`.',
  })
  to!: Date;

  @Field(() => StatsGranularityEnum, { defaultValue: 'DAY', description: 'At most 366 DAY, 260 WEEK or 120 MONTH points.' })
  granularity!: Granularity;

  @Field(() => String, { defaultValue: DEFAULT_STATS_TIME_ZONE, description: 'IANA time zone whose calendar the periods follow.' })
  timeZone!: string;
}
