import { Migration } from '@mikro-orm/migrations';

export class Migration20261127210121LogTypeErrorIndex extends Migration {
  override up(): void {
    this.addSql('drop index "notification_logs_app_type_idx"');
    this.addSql('create index "notification_logs_app_type_error_idx" on "notification_logs" ("app_id", "notification_type", "error_code")');
  }
}
