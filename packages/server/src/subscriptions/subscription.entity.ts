import { Field, Int, ObjectType } from 'type-graphql';
import { SubscriptionStatusEnum } from '../graphql/enums.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { BigIntType, Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import type { CancelReason, SubscriptionStatus } from '@vk-payments/shared';
import { App } from '../apps/app.entity.js';

/** A user's subscription as VK last reported it; its charges are Transactions (docs/protocol.md §3). */
@ObjectType('UserSubscription', {
  description: "A user's subscription as VK last reported it. (Named so as not to clash with GraphQL's root Subscription type.)",
})
@Entity({ tableName: 'subscriptions' })
@Unique({ properties: ['app', 'test', 'subscriptionId'] })
// An app's list newest first (graphql/connection.ts pages by id) is a range of this index, however many
// rows other apps hold. SQLite's former single-column FK index gave that order only implicitly (rowid).
@Index({ name: 'subscriptions_app_newest_idx', properties: ['app', 'id'] })
// A user's own subscriptions, as the mini app API asks for them (mini-app/entitlements.ts).
@Index({ name: 'subscriptions_app_user_idx', properties: ['app', 'vkUserId'] })
export class Subscription {
  [OptionalProps]?: 'nextBillTime' | 'cancelReason' | 'pendingCancel' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  // No index of its own: the unique (app_id, test, subscription_id) leads with app_id and serves its lookups and cascades.
  @ManyToOne(() => App, { deleteRule: 'cascade', index: false })
  app!: Rel<App>;

  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  subscriptionId!: string;

  @Field(() => Int)
  @Property({ type: new BigIntType('number') })
  vkUserId!: number;

  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  itemId!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  price!: number;

  @Field(() => SubscriptionStatusEnum)
  @Property({ type: 'string', length: 16 })
  status!: SubscriptionStatus;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  nextBillTime: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 32, nullable: true })
  cancelReason: CancelReason | null = null;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  pendingCancel: boolean = false;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  test!: boolean;

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
