import { Arg, Args, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import { getApp } from '../apps/apps.service.js';
import type { Context } from '../graphql/context.js';
import { paymentStats, type StatsResult } from './stats.service.js';
import { PaymentStats, PaymentStatsArgs } from './stats.types.js';
import type { SubscriptionStatsResult } from './subscription-history.js';
import { subscriptionStats } from './subscription-stats.service.js';
import { SubscriptionStats } from './subscription-stats.types.js';

/** GraphQL for payment statistics (paymentStats, subscriptionStats). */
@Resolver()
export class StatsResolver {
  @Authorized('PAYMENTS')
  @Query(() => PaymentStats, {
    description:
      'Revenue, orders, refunds and paying users per calendar period in `timeZone` (docs/protocol.md §8 "Statistics → Payments"). Test payments excluded; empty periods present with zeros.',
  })
  async paymentStats(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Args(() => PaymentStatsArgs) args: PaymentStatsArgs,
    @Ctx() { em }: Context,
  ): Promise<StatsResult> {
    return paymentStats(em, (await getApp(em, vkAppId)).id, args);
  }

  @Authorized('PAYMENTS')
  @Query(() => SubscriptionStats, {
    description:
      "Active subscriptions and subscribers, monthly recurring votes, new, renewed, resumed and cancelled subscriptions (by reason) per calendar period in `timeZone`, in the periods of `paymentStats` (docs/protocol.md §8). Test subscriptions excluded. Replays the history of subscription changes; for changes before the upgrade that started recording it (migration SubscriptionEvents) only charges and each subscription's last state were stored, so an earlier cancellation that was later resumed does not show.",
  })
  async subscriptionStats(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Args(() => PaymentStatsArgs) args: PaymentStatsArgs,
    @Ctx() { em }: Context,
  ): Promise<SubscriptionStatsResult> {
    return subscriptionStats(em, (await getApp(em, vkAppId)).id, args);
  }
}
