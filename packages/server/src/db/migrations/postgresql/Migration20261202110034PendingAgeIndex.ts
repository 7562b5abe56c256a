import { Migration } from '@mikro-orm/migrations';

/**
 * The oldest fulfilment event not yet delivered, for vkp_fulfilment_oldest_pending_seconds (fulfilment/backlog.ts):
 * the first row of (status, created_at), however many wait. Before, it was the oldest of the first 10,000 read
 * in next_attempt_at order, which a larger backlog made wrong.
 */
export class Migration20261202110034PendingAgeIndex extends Migration {
  override up(): void {
    this.addSql('create index "fulfilment_deliveries_pending_age_idx" on "fulfilment_deliveries" ("status", "created_at")');
  }
}
