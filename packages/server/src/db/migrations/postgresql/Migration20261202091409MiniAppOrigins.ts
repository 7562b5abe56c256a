import { Migration } from '@mikro-orm/migrations';

/**
 * The mini app API (src/mini-app/): each app's allowed mini-app origins (a JSON list, null = none), and a
 * user's subscriptions found by (app, user) as the API asks for them.
 */
export class Migration20261202091409MiniAppOrigins extends Migration {
  override up(): void {
    this.addSql('alter table "apps" add column "mini_app_origins" jsonb null');
    this.addSql('create index "subscriptions_app_user_idx" on "subscriptions" ("app_id", "vk_user_id")');
  }
}
