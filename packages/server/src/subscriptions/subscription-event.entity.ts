import { BigIntType, Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import type { CancelReason, SubscriptionStatus } from '@vk-payments/shared';
import { App } from '../apps/app.entity.js';

/**
 * A subscription's state right after one change VK reported (a charge, or a change of status, pending
 * cancellation, period end or price), as the `subscriptions` row then held it. The row keeps only the
 * latest state; these rows keep the history that subscription stats replay (stats/subscription-history.ts).
 * Written in the same transaction as the row (notifications/sql-store.ts); a repeated notification that
 * changes nothing writes none. Rows from before the upgrade that added them are reconstructed by the
 * migration (SubscriptionEvents) from the charges and the rows' last state.
 */
@Entity({ tableName: 'subscription_events' })
// Stats read an app's real (or test) history in commit order, in id batches: a range of this index.
// It leads with app_id, so it also serves the cascade of a deleted app.
@Index({ name: 'subscription_events_app_history_idx', properties: ['app', 'test', 'id'] })
export class SubscriptionEvent {
  [OptionalProps]?: 'cancelReason' | 'periodDays' | 'nextBillTime';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => App, { deleteRule: 'cascade', index: false })
  app!: Rel<App>;

  @Property({ type: 'boolean' })
  test!: boolean;

  /** VK's subscription_id (decimal, may exceed 2^53). */
  @Property({ type: 'string', length: 64 })
  subscriptionId!: string;

  @Property({ type: new BigIntType('number') })
  vkUserId!: number;

  @Property({ type: 'string', length: 64 })
  itemId!: string;

  @Property({ type: 'string', length: 16 })
  status!: SubscriptionStatus;

  @Property({ type: 'string', length: 32, nullable: true })
  cancelReason: CancelReason | null = null;

  @Property({ type: 'boolean' })
  pendingCancel!: boolean;

  /** Votes per period: the last price VK reported for it. */
  @Property({ type: 'integer' })
  price!: number;

  /** The plan's period in days at the time; null when the plan was gone. */
  @Property({ type: 'integer', nullable: true })
  periodDays: number | null = null;

  /** The end of the paid period as last reported (where a pending cancellation ends it). */
  @Property({ type: 'datetime', nullable: true })
  nextBillTime: Date | null = null;

  /** This change is a charge (a paid period) rather than a change of status only. */
  @Property({ type: 'boolean' })
  charge!: boolean;

  @Property({ type: 'datetime' })
  occurredAt!: Date;
}
