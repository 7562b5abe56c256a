import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars.js';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { App } from '../apps/app.entity.js';

/** A subscription sold through VKWebAppShowSubscriptionBox (PROTOCOL.md §3, get_subscription). */
@ObjectType('SubscriptionPlan', { description: 'A subscription VK can sell (get_subscription).' })
@Entity({ tableName: 'subscription_plans' })
@Unique({ properties: ['app', 'itemId'] })
export class SubscriptionPlan {
  [OptionalProps]?: 'photoUrl' | 'trialDuration' | 'expiration' | 'active' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => App, { deleteRule: 'cascade' })
  app!: Rel<App>;

  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  itemId!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 48 })
  title!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 2048, nullable: true })
  photoUrl: string | null = null;

  /** Votes per period. */
  @Field(() => Int)
  @Property({ type: 'integer' })
  price!: number;

  /** Days: 3, 7 or 30. */
  @Field(() => Int)
  @Property({ type: 'integer' })
  period!: number;

  /** Days of free trial (PROTOCOL.md §3, unsure). */
  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  trialDuration: number | null = null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  expiration: number | null = null;

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
