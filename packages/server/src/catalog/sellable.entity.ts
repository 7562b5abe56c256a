import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { ITEM_LIMITS } from '@vk-payments/shared';
import { Field, Int, ObjectType } from 'type-graphql';
import { App } from '../apps/app.entity.js';
import { DateTimeScalar } from '../graphql/scalars.js';

/**
 * What items and subscription plans share: what VK asks for in get_item / get_subscription
 * (docs/protocol.md §3). `itemId` is the string the client passes to VKWebAppShowOrderBox / ShowSubscriptionBox.
 */
// Never a GraphQL type of its own (nothing returns it); it only lends its fields to the two below.
@ObjectType('Sellable')
@Entity({ abstract: true })
export abstract class Sellable<Optional extends string = never> {
  [OptionalProps]?: 'photoUrl' | 'expiration' | 'active' | 'createdAt' | 'updatedAt' | Optional;

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  // No index of its own: the unique (app_id, item_id) leads with app_id and serves its lookups and cascades.
  @ManyToOne(() => App, { deleteRule: 'cascade', index: false })
  app!: Rel<App>;

  @Field(() => String)
  @Property({ type: 'string', length: ITEM_LIMITS.itemMaxLength })
  itemId!: string;

  @Field(() => String)
  @Property({ type: 'string', length: ITEM_LIMITS.titleMaxLength })
  title!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 2048, nullable: true })
  photoUrl: string | null = null;

  /** Votes (per period, for a plan). */
  @Field(() => Int)
  @Property({ type: 'integer' })
  price!: number;

  /** Seconds VK may cache the answer: 0, or 600–604800. */
  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  expiration: number | null = null;

  /** An inactive one is answered as unavailable (error 21). */
  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  active: boolean = true;

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
