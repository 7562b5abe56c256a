import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes by app, each with a job no other index does (README "Performance"). PostgreSQL never had
 * MikroORM's single-column FK indexes (SQLite's twin of this migration drops the redundant ones), so it
 * gains what it lacked:
 * - an index on the foreign keys no composite index leads with: deleting an app or a key scanned every
 *   key and widget session;
 * - (app_id, id) on the tables listed per app newest first: the first page of a small app beside a large
 *   one walked the other app's rows backwards through the primary key.
 */
export class Migration20261202031951AppIndexes extends Migration {
  override up(): void {
    this.addSql('create index "api_keys_app_id_index" on "api_keys" ("app_id")');
    this.addSql('create index "audit_events_app_newest_idx" on "audit_events" ("app_id", "id")');
    this.addSql('create index "fulfilment_deliveries_app_newest_idx" on "fulfilment_deliveries" ("app_id", "id")');
    this.addSql('create index "notification_logs_app_newest_idx" on "notification_logs" ("app_id", "id")');
    this.addSql('create index "subscriptions_app_newest_idx" on "subscriptions" ("app_id", "id")');
    this.addSql('create index "transactions_app_newest_idx" on "transactions" ("app_id", "id")');
    this.addSql('create index "widget_sessions_app_id_index" on "widget_sessions" ("app_id")');
    this.addSql('create index "widget_sessions_api_key_id_index" on "widget_sessions" ("api_key_id")');
  }
}
