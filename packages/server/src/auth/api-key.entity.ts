import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { App } from '../apps/app.entity.js';

/** A bearer token, stored as its SHA-256 only. `app` null = platform-wide (root, moderator). */
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  [OptionalProps]?: 'app' | 'createdAt' | 'lastUsedAt' | 'revokedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => App, { nullable: true, deleteRule: 'cascade' })
  app: Rel<App> | null = null;

  /** `ROOT` or one of the roles of DESIGN.md §7. */
  @Property({ type: 'string', length: 32 })
  role!: string;

  @Property({ type: 'string', length: 255 })
  label!: string;

  @Property({ type: 'string', length: 64, unique: true, hidden: true })
  tokenHash!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
