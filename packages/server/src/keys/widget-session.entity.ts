import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { App } from '../apps/app.entity.js';
import { ApiKey } from './api-key.entity.js';

/**
 * A short-lived bearer token for the widget, minted by the host's backend with an API key
 * (ARCHITECTURE.md §5): one app, a role no higher than the key's; revoked with its key.
 */
@Entity({ tableName: 'widget_sessions' })
export class WidgetSession {
  [OptionalProps]?: 'apiKey' | 'createdAt' | 'revokedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  // Indexed on both stores (PostgreSQL does not index a FK by itself): nothing else leads with app_id,
  // and `delete from apps` would scan every session.
  @ManyToOne(() => App, { deleteRule: 'cascade', index: true })
  app!: Rel<App>;

  /** The key that minted it; null when minted with the root token. */
  // Indexed on both stores: revoking or deleting a key finds its sessions by it.
  @ManyToOne(() => ApiKey, { nullable: true, deleteRule: 'cascade', index: true })
  apiKey: Rel<ApiKey> | null = null;

  @Property({ type: 'string', length: 32 })
  role!: string;

  @Property({ type: 'string', length: 64, unique: true, hidden: true })
  tokenHash!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
