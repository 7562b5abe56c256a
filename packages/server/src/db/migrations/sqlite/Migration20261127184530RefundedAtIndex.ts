import { Migration } from '@mikro-orm/migrations';

export class Migration20261127184530RefundedAtIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql("create index `transactions_app_refunded_idx` on `transactions` (`app_id`, `refunded_at`)");
  }
}
