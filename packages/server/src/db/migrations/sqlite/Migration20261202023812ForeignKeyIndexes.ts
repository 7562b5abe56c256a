import { Migration } from '@mikro-orm/migrations';

/**
 * One index per foreign key, leading with its column. MikroORM gave every SQLite FK a single-column index
 * of its own; where a composite or unique index already leads with that column it serves the same lookups
 * and the cascade of `delete from apps`, and the duplicate only cost every insert a second B-tree write
 * (README "Performance"). api_keys and widget_sessions keep theirs: nothing else leads with those columns.
 */
export class Migration20261202023812ForeignKeyIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql("drop index `audit_events_app_id_index`");
    this.addSql("drop index `catalog_items_app_id_index`");
    this.addSql("drop index `fulfilment_deliveries_app_id_index`");
    this.addSql("drop index `fulfilment_attempts_delivery_id_index`");
    this.addSql("drop index `fulfilment_endpoints_app_id_index`");
    this.addSql("drop index `moderation_requests_app_id_index`");
    this.addSql("drop index `notification_logs_app_id_index`");
    this.addSql("drop index `payment_testers_app_id_index`");
    this.addSql("drop index `subscriptions_app_id_index`");
    this.addSql("drop index `subscription_plans_app_id_index`");
    this.addSql("drop index `transactions_app_id_index`");
  }
}
