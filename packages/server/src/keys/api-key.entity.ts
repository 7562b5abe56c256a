import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { App } from '../apps/app.entity.js';
import { RoleEnum } from '../graphql/enums.js';
import { DateTimeScalar } from '../graphql/scalars.js';

/** A bearer token, stored as its SHA-256 only. `app` null = platform-wide (root, moderator). */
@ObjectType('ApiKey', { description: 'An API key; its token is shown once, at creation, and stored only as a hash.' })
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  [OptionalProps]?: 'app' | 'createdAt' | 'lastUsedAt' | 'revokedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  // Indexed on both stores (PostgreSQL does not index a FK by itself): an app's keys are listed by it,
  // and `delete from apps` would otherwise scan every key.
  @ManyToOne(() => App, { nullable: true, deleteRule: 'cascade', index: true })
  app: Rel<App> | null = null;

  /** `ROOT` or one of the roles of ARCHITECTURE.md §5. */
  @Field(() => RoleEnum)
  @Property({ type: 'string', length: 32 })
  role!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 255 })
  label!: string;

  @Property({ type: 'string', length: 64, unique: true, hidden: true })
  tokenHash!: string;

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
