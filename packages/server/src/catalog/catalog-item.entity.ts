import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars.js';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { App } from '../apps/app.entity.js';

/** An item sold through VKWebAppShowOrderBox; `itemId` is the `item` string VK passes on (PROTOCOL.md §3). */
@ObjectType('CatalogItem', { description: 'An item VK can sell (get_item).' })
@Entity({ tableName: 'catalog_items' })
@Unique({ properties: ['app', 'itemId'] })
export class CatalogItem {
  [OptionalProps]?: 'photoUrl' | 'discount' | 'expiration' | 'active' | 'createdAt' | 'updatedAt';

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

  /** Votes. */
  @Field(() => Int)
  @Property({ type: 'integer' })
  price!: number;

  /** Votes off the price, shown by VK (PROTOCOL.md §3). */
  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  discount: number | null = null;

  /** Seconds VK may cache the item: 0, or 600–604800. */
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
