import { Migration } from '@mikro-orm/migrations';

export class Migration20261127184530RefundedAtIndex extends Migration {
  override up(): void {
    this.addSql('create index "transactions_app_refunded_idx" on "transactions" ("app_id", "refunded_at")');
  }
}
