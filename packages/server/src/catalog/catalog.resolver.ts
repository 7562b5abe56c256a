import { Arg, Authorized, Ctx, Field, InputType, Int, Mutation, Query, Resolver } from 'type-graphql';
import { getApp } from '../apps/apps.service.js';
import type { Context } from '../graphql/context.js';
import { CatalogItem } from './catalog-item.entity.js';
import { deleteItem, upsertItem, upsertPlan } from './catalog.service.js';
import { SubscriptionPlan } from './subscription-plan.entity.js';

@InputType()
export class CatalogItemInput {
  @Field(() => String, { description: 'The `item` string the client passes to VKWebAppShowOrderBox (≤ 64 chars).' })
  itemId!: string;

  @Field(() => String, { description: '≤ 48 characters.' })
  title!: string;

  @Field(() => Int, { description: 'Votes.' })
  price!: number;

  @Field(() => String, { nullable: true })
  photoUrl?: string | null;

  @Field(() => Int, { nullable: true, description: 'Votes off the price; less than the price.' })
  discount?: number | null;

  @Field(() => Int, { nullable: true, description: 'Seconds VK may cache the item: 0 or 600–604800.' })
  expiration?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true. An inactive item is answered as unavailable (error 21).' })
  active?: boolean | null;
}

@InputType()
export class SubscriptionPlanInput {
  @Field(() => String)
  itemId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => Int, { description: 'Votes per period.' })
  price!: number;

  @Field(() => Int, { description: 'Days: 3, 7 or 30.' })
  period!: number;

  @Field(() => String, { nullable: true })
  photoUrl?: string | null;

  @Field(() => Int, { nullable: true, description: 'Days of free trial.' })
  trialDuration?: number | null;

  @Field(() => Int, { nullable: true })
  expiration?: number | null;

  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;
}

@Resolver()
export class CatalogResolver {
  @Authorized('PAYMENTS')
  @Query(() => [CatalogItem], { description: 'Every item of the app, by itemId.' })
  async catalogItems(@Arg('vkAppId', () => Int) vkAppId: number, @Ctx() { em }: Context): Promise<CatalogItem[]> {
    return em.find(CatalogItem, { app: await getApp(em, vkAppId) }, { orderBy: { itemId: 'asc' } });
  }

  @Authorized('PAYMENTS')
  @Mutation(() => CatalogItem, { description: 'Creates the item, or replaces the one with the same itemId.' })
  async upsertCatalogItem(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('input', () => CatalogItemInput) input: CatalogItemInput,
    @Ctx() { em, principal }: Context,
  ): Promise<CatalogItem> {
    return upsertItem(em, principal, (await getApp(em, vkAppId)).id, input);
  }

  @Authorized('PAYMENTS')
  @Mutation(() => Boolean, { description: 'True when an item was deleted. Its past transactions stay.' })
  async deleteCatalogItem(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('itemId', () => String) itemId: string,
    @Ctx() { em, principal }: Context,
  ): Promise<boolean> {
    return deleteItem(em, principal, (await getApp(em, vkAppId)).id, itemId);
  }

  @Authorized('PAYMENTS')
  @Query(() => [SubscriptionPlan])
  async subscriptionPlans(@Arg('vkAppId', () => Int) vkAppId: number, @Ctx() { em }: Context): Promise<SubscriptionPlan[]> {
    return em.find(SubscriptionPlan, { app: await getApp(em, vkAppId) }, { orderBy: { itemId: 'asc' } });
  }

  @Authorized('PAYMENTS')
  @Mutation(() => SubscriptionPlan)
  async upsertSubscriptionPlan(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('input', () => SubscriptionPlanInput) input: SubscriptionPlanInput,
    @Ctx() { em, principal }: Context,
  ): Promise<SubscriptionPlan> {
    return upsertPlan(em, principal, (await getApp(em, vkAppId)).id, input);
  }
}
