import type { SubscriptionStatus } from '@vk-payments/shared';
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from 'type-graphql';
import { getApp } from '../apps/apps.service.js';
import { Connection, PageArgs, paginate, type ConnectionShape } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { SubscriptionStatusEnum } from '../graphql/enums.js';
import { Subscription } from './subscription.entity.js';
import { subscriptionWhere } from './subscriptions.service.js';

@InputType()
export class SubscriptionFilter {
  @Field(() => SubscriptionStatusEnum, { nullable: true })
  status?: SubscriptionStatus | null;

  @Field(() => Boolean, { nullable: true })
  test?: boolean | null;

  @Field(() => Int, { nullable: true })
  vkUserId?: number | null;

  @Field(() => String, { nullable: true })
  itemId?: string | null;
}

export const SubscriptionConnection = Connection('UserSubscription', Subscription);

@Resolver(() => Subscription)
export class SubscriptionsResolver {
  @Authorized('PAYMENTS')
  @Query(() => SubscriptionConnection, { description: 'Subscriptions of the app, newest first.' })
  async subscriptions(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('filter', () => SubscriptionFilter, { nullable: true }) filter: SubscriptionFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() { em }: Context,
  ): Promise<ConnectionShape<Subscription>> {
    const app = await getApp(em, vkAppId);
    return paginate(em, Subscription, subscriptionWhere(app.id, filter ?? {}), page);
  }

  @FieldResolver(() => ID)
  id(@Root() s: Subscription): string {
    return String(s.id);
  }
}
