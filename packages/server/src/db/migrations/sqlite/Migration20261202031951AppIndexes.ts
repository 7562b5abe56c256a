import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes by app, each with a job no other index does (README "Performance"):
 * - MikroORM gave every SQLite foreign key a single-column index. Where a composite or unique index
 *   leads with the same column it serves the same lookups and the cascade of `delete from apps`, and the
 *   duplicate only cost every insert a B-tree write: those go. api_keys and widget_sessions keep theirs.
 * - In SQLite a single-column index also ends with the rowid, so five of them silently gave an app's
 *   rows newest first, the order every list pages in. That order is now an explicit (app_id, id) index
 *   on those tables; without it the first page of a small app beside a large one scanned the table.
 */
export class Migration20261202031951AppIndexes extends Migration {
  override up(): void {
    this.addSql('drop index `audit_events_app_id_index`');
    this.addSql('create index `audit_events_app_newest_idx` on `audit_events` (`app_id`, `id`)');
    this.addSql('drop index `catalog_items_app_id_index`');
    this.addSql('drop index `fulfilment_deliveries_app_id_index`');
    this.addSql('create index `fulfilment_deliveries_app_newest_idx` on `fulfilment_deliveries` (`app_id`, `id`)');
    this.addSql('drop index `fulfilment_attempts_delivery_id_index`');
    this.addSql('drop index `fulfilment_endpoints_app_id_index`');
    this.addSql('drop index `moderation_requests_app_id_index`');
    this.addSql('drop index `notification_logs_app_id_index`');
    this.addSql('create index `notification_logs_app_newest_idx` on `notification_logs` (`app_id`, `id`)');
    this.addSql('drop index `payment_testers_app_id_index`');
    this.addSql('drop index `subscriptions_app_id_index`');
    this.addSql('create index `subscriptions_app_newest_idx` on `subscriptions` (`app_id`, `id`)');
    this.addSql('drop index `subscription_plans_app_id_index`');
    this.addSql('drop index `transactions_app_id_index`');
    this.addSql('create index `transactions_app_newest_idx` on `transactions` (`app_id`, `id`)');
  }
}
