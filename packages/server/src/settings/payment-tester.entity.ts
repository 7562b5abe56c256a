import { BigIntType, Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { App } from '../apps/app.entity.js';
import { DateTimeScalar } from '../graphql/scalars.js';

/** A user whose payments run in test mode ("Тестировщики платежей" in VK's panel; docs/protocol.md §5). */
@ObjectType('PaymentTester')
@Entity({ tableName: 'payment_testers' })
@Unique({ properties: ['app', 'vkUserId'] })
export class PaymentTester {
  [OptionalProps]?: 'addedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  // No index of its own: the unique (app_id, vk_user_id) leads with app_id and serves its lookups and cascades.
  @ManyToOne(() => App, { deleteRule: 'cascade', index: false })
  app!: Rel<App>;

  @Field(() => Int)
  @Property({ type: new BigIntType('number') })
  vkUserId!: number;

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  addedAt: Date = new Date();

  /** Who added them (an actor description, as in the audit log). */
  @Field(() => String)
  @Property({ type: 'string', length: 255 })
  addedBy!: string;
}
