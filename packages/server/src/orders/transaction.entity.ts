import { Field, Int, ObjectType } from 'type-graphql';
import { TransactionStatusEnum } from '../graphql/enums.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { BigIntType, Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { App } from '../apps/app.entity.js';

export type TransactionStatus = 'chargeable' | 'refunded';

/**
 * One payment: an item order, or one period's charge of a subscription.
 * The primary key is our `app_order_id` (unique across every instance sharing the database).
 * An order is recorded once per (app, test, order_id) and a subscription charge once per
 * (app, test, subscription_id, next_bill_time) — docs/protocol.md §1, §3.
 */
@ObjectType('Transaction', { description: 'One payment: an item order or one period of a subscription. Votes are integers.' })
@Entity({ tableName: 'transactions' })
@Unique({ name: 'transactions_order_unique', properties: ['app', 'test', 'orderId'] })
@Unique({ name: 'transactions_subscription_charge_unique', properties: ['app', 'test', 'subscriptionId', 'billingKey'] })
// An app's list newest first (graphql/connection.ts pages by id) is a range of this index, however many
// rows other apps hold. SQLite's former single-column FK index gave that order only implicitly (rowid).
@Index({ name: 'transactions_app_newest_idx', properties: ['app', 'id'] })
@Index({ name: 'transactions_app_created_idx', properties: ['app', 'createdAt'] })
@Index({ name: 'transactions_app_user_idx', properties: ['app', 'vkUserId'] })
// Stats find the refunds of a period by when they happened (stats/stats.service.ts).
@Index({ name: 'transactions_app_refunded_idx', properties: ['app', 'refundedAt'] })
export class Transaction {
  [OptionalProps]?:
    'orderId' | 'subscriptionId' | 'billingKey' | 'receiverId' | 'discount' | 'vkDate' | 'status' | 'createdAt' | 'refundedAt';

  /** Our `app_order_id`. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  // No index of its own: the (app_id, …) indexes above lead with app_id and serve its lookups and cascades.
  @ManyToOne(() => App, { deleteRule: 'cascade', index: false })
  app!: Rel<App>;

  /** VK's `order_id`: decimal digits that may exceed 2^53, kept as a string. Null for subscription charges. */
  @Field(() => String, { nullable: true, description: "VK's order_id (may exceed 2^53). Null for subscription charges." })
  @Property({ type: 'string', length: 32, nullable: true })
  orderId: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  subscriptionId: string | null = null;

  /** For a subscription charge: the `next_bill_time` it paid for, so one period is charged once. */
  @Property({ type: 'string', length: 32, nullable: true })
  billingKey: string | null = null;

  @Field(() => Int)
  @Property({ type: new BigIntType('number') })
  vkUserId!: number;

  @Field(() => Int, { nullable: true })
  @Property({ type: new BigIntType('number'), nullable: true })
  receiverId: number | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  itemId!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 255 })
  title!: string;

  /** Votes charged. */
  @Field(() => Int)
  @Property({ type: 'integer' })
  price!: number;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  discount: number | null = null;

  @Field(() => TransactionStatusEnum)
  @Property({ type: 'string', length: 16 })
  status: TransactionStatus = 'chargeable';

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  test!: boolean;

  /** VK's `date` of the order, when it sent one. */
  @Property({ type: 'datetime', nullable: true })
  vkDate: Date | null = null;

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  refundedAt: Date | null = null;
}
