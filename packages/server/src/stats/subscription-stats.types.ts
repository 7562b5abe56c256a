/** GraphQL shapes of `subscriptionStats` (stats/subscription-history.ts holds the definitions). */
import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars.js';

@ObjectType('SubscriptionCancelReasons', {
  description: "Cancellations by VK's `cancel_reason`; a cancellation without one counts as `unknown`.",
})
export class SubscriptionCancelReasons {
  @Field(() => Int, { description: '`user_decision`: the user cancelled.' })
  userDecision!: number;

  @Field(() => Int, { description: '`app_decision`: the app cancelled.' })
  appDecision!: number;

  @Field(() => Int, { description: '`payment_fail`: VK could not charge the user (may come back within 5 days: `resumed`).' })
  paymentFail!: number;

  @Field(() => Int, { description: '`unknown`, any other value, or none.' })
  unknown!: number;
}

@ObjectType('SubscriptionStatsPoint', {
  description:
    'Subscription figures of one calendar period (or, as `totals`, of the whole range: flows summed, the `active*` and `monthlyRecurringVotes` figures at its end). Test subscriptions are never counted. Counted by when VK reported each change.',
})
export class SubscriptionStatsPoint {
  @Field(() => DateTimeScalar, { description: 'The instant the period starts in the requested time zone (DST-correct).' })
  periodStart!: Date;

  @Field(() => DateTimeScalar, { description: 'The instant the next period starts.' })
  periodEnd!: Date;

  @Field(() => Int, {
    description:
      'Subscriptions active in the last instant of the period: status chargeable or active, or cancelled with pending_cancel until the end of its paid period (next_bill_time). A passed next_bill_time alone does not end one: VK may renew without a notification.',
  })
  active!: number;

  @Field(() => Int, { description: 'Distinct users with at least one of those `active` subscriptions.' })
  activeSubscribers!: number;

  @Field(() => Int, {
    description:
      "Monthly recurring votes at the period's end: the sum over `active` subscriptions of their last reported price × 30 / their plan's period in days (3, 7 or 30; a plan gone from the catalog counts as 30), rounded once to the nearest vote. E.g. 10 votes per 7 days → 42.86, 25 per 30 → 25: together 68.",
  })
  monthlyRecurringVotes!: number;

  @Field(() => Int, { description: 'Subscriptions active for the first time.' })
  new!: number;

  @Field(() => Int, { description: 'Charges of subscriptions charged before: paid periods after the first.' })
  renewed!: number;

  @Field(() => Int, {
    description: 'Cancelled subscriptions active again: a pending cancellation withdrawn, or one cancelled for lack of votes coming back.',
  })
  resumed!: number;

  @Field(() => Int, {
    description:
      'Subscriptions that turned cancelled, pending or not. A pending one counts here when VK reports it, and stays in `active` until its paid period ends.',
  })
  cancelled!: number;

  @Field(() => Int, { description: 'The part of `cancelled` with pending_cancel: paid up to the end of the period.' })
  cancelledPending!: number;

  @Field(() => SubscriptionCancelReasons, { description: '`cancelled` by reason.' })
  cancelReasons!: SubscriptionCancelReasons;
}

@ObjectType('SubscriptionStats')
export class SubscriptionStats {
  @Field(() => SubscriptionStatsPoint, {
    description: 'The whole range: flows summed over it; `active`, `activeSubscribers` and `monthlyRecurringVotes` at its end.',
  })
  totals!: SubscriptionStatsPoint;

  @Field(() => [SubscriptionStatsPoint], { description: 'One point per period, oldest first; quiet periods present with zeros.' })
  points!: SubscriptionStatsPoint[];
}
