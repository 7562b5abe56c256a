import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { App } from '../apps/app.entity.js';
import { ModerationStatusEnum, PlatformEnum } from '../graphql/enums.js';
import { DateTimeScalar } from '../graphql/scalars.js';

export type Platform = (typeof PlatformEnum)[keyof typeof PlatformEnum];
export type ModerationStatus = (typeof ModerationStatusEnum)[keyof typeof ModerationStatusEnum];

/** An application to accept VK votes ("Оплата голосами" in VK's panel); decided by a platform moderator. */
@ObjectType('ModerationRequest')
@Entity({ tableName: 'moderation_requests' })
@Index({ properties: ['app', 'status'] })
@Index({ properties: ['status', 'submittedAt'] })
export class ModerationRequest {
  [OptionalProps]?: 'status' | 'moderatorComment' | 'submittedAt' | 'decidedBy' | 'decidedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  // No index of its own: the (app_id, status) index leads with app_id and serves its lookups and cascades.
  @ManyToOne(() => App, { deleteRule: 'cascade', index: false })
  app!: Rel<App>;

  @Field(() => [PlatformEnum])
  @Property({ type: 'json' })
  platforms!: Platform[];

  @Field(() => String)
  @Property({ type: 'text' })
  appDescription!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  paidFeatures!: string;

  @Field(() => ModerationStatusEnum)
  @Property({ type: 'string', length: 16 })
  status: ModerationStatus = 'PENDING';

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  moderatorComment: string | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 255 })
  submittedBy!: string;

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  submittedAt: Date = new Date();

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 255, nullable: true })
  decidedBy: string | null = null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  decidedAt: Date | null = null;
}
