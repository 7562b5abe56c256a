import { Arg, Args, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import { getApp } from '../apps/apps.service.js';
import type { Context } from '../graphql/context.js';
import { paymentStats, type StatsResult } from './stats.service.js';
import { PaymentStats, PaymentStatsArgs } from './stats.types.js';

/** GraphQL for payment statistics (paymentStats). */
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
}
