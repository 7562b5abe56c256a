import { Migration } from '@mikro-orm/migrations';

/**
 * The mini app API (src/mini-app/): each app's allowed mini-app origins (a JSON list, null = none). A
 * user's subscriptions are found by (app, user) through the index CustomerIndexes made.
 */
export class Migration20261202091409MiniAppOrigins extends Migration {
  override up(): void {
    this.addSql('alter table `apps` add column `mini_app_origins` json null');
  }
}
