import { Entity, Property, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { Sellable } from './sellable.entity.js';

/** A subscription sold through VKWebAppShowSubscriptionBox (get_subscription, docs/protocol.md §3). */
@ObjectType('SubscriptionPlan', { description: 'A subscription VK can sell (get_subscription).' })
@Entity({ tableName: 'subscription_plans' })
@Unique({ properties: ['app', 'itemId'] })
export class SubscriptionPlan extends Sellable<'trialDuration'> {
  /** Days: 3, 7 or 30. */
  @Field(() => Int)
  @Property({ type: 'integer' })
  period!: number;

  /** Days of free trial (docs/protocol.md §3, unsure). */
  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  trialDuration: number | null = null;
}
