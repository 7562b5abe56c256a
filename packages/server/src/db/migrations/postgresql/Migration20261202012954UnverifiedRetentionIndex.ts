import { Migration } from '@mikro-orm/migrations';

export class Migration20261202012954UnverifiedRetentionIndex extends Migration {
  override up(): void {
    this.addSql('create index "notification_logs_unverified_received_idx" on "notification_logs" ("signature_valid", "received_at")');
  }
}
