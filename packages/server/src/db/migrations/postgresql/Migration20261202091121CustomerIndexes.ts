import { Migration } from '@mikro-orm/migrations';

/**
 * The customer view (one VK user in one app) finds that user's rows by index in every table it lists:
 * transactions and notification_logs had (app_id, vk_user_id) already; subscriptions gets one (with id,
 * so a page newest first is a range of it), and
 * fulfilment_deliveries a `vk_user_id` column (written with each event from now on, notifications/outbox.ts)
 * filled for the rows already there from their payload's `data.vkUserId` — only where that is a plain
 * integer, so a row with anything else keeps null rather than failing the upgrade.
 */
export class Migration20261202091121CustomerIndexes extends Migration {
  override up(): void {
    this.addSql('alter table "fulfilment_deliveries" add column "vk_user_id" bigint null');
    this.addSql(
      `update "fulfilment_deliveries" set "vk_user_id" = ("payload" -> 'data' ->> 'vkUserId')::bigint where jsonb_typeof("payload" -> 'data' -> 'vkUserId') = 'number' and ("payload" -> 'data' ->> 'vkUserId') ~ '^[0-9]{1,15}$'`,
    );
    this.addSql('create index "fulfilment_deliveries_app_user_idx" on "fulfilment_deliveries" ("app_id", "vk_user_id", "id")');
    this.addSql('create index "subscriptions_app_user_idx" on "subscriptions" ("app_id", "vk_user_id", "id")');
  }
}
