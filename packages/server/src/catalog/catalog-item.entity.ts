import { Entity, Property, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { Sellable } from './sellable.entity.js';

/** An item sold through VKWebAppShowOrderBox (get_item, docs/protocol.md §3). */
@ObjectType('CatalogItem', { description: 'An item VK can sell (get_item).' })
@Entity({ tableName: 'catalog_items' })
@Unique({ properties: ['app', 'itemId'] })
export class CatalogItem extends Sellable<'discount'> {
  /** Votes off the price, shown by VK. */
  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  discount: number | null = null;
}
