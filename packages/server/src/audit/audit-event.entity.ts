import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { App } from '../apps/app.entity.js';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars.js';

/** Who changed what, from what to what, when. Secret values are never recorded, only that they changed. */
@ObjectType('AuditEvent')
@Entity({ tableName: 'audit_events' })
@Index({ properties: ['app', 'createdAt'] })
// An app's list newest first (graphql/connection.ts pages by id) is a range of this index, however many
// rows other apps hold. SQLite's former single-column FK index gave that order only implicitly (rowid).
@Index({ name: 'audit_events_app_newest_idx', properties: ['app', 'id'] })
export class AuditEvent {
  [OptionalProps]?: 'app' | 'target' | 'before' | 'after' | 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  // No index of its own: the (app_id, created_at) index leads with app_id and serves its lookups and cascades.
  /** Null for platform-wide changes (e.g. a moderator key). */
  @ManyToOne(() => App, { nullable: true, deleteRule: 'cascade', index: false })
  app: Rel<App> | null = null;

  /** e.g. `settings.update`, `tester.add`, `catalog.upsert`, `secret.rotate`, `apikey.create`, `moderation.decide`. */
  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  action!: string;

  /** Who did it: `root`, `key 12 "CI script" (ADMIN)`, `widget session 5 (PAYMENTS_ADMIN) via key 12`. */
  @Field(() => String)
  @Property({ type: 'string', length: 255 })
  actor!: string;

  /** What it was done to: an item id, a tester's user id, a key id… */
  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 255, nullable: true })
  target: string | null = null;

  @Field(() => JSONScalar, { nullable: true })
  @Property({ type: 'json', nullable: true })
  before: Record<string, unknown> | null = null;

  @Field(() => JSONScalar, { nullable: true })
  @Property({ type: 'json', nullable: true })
  after: Record<string, unknown> | null = null;

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
