import { Migration } from '@mikro-orm/migrations';

/**
 * Room for encrypted secrets (wider columns) and their hints. The rows themselves are encrypted right
 * after the migrations, in code (secrets/at-rest.ts): a migration cannot know the secrets key.
 */
export class Migration20261202003934SecretsAtRest extends Migration {
  override up(): void {
    this.addSql('alter table "apps" add column "secret_key_hint" varchar(32) null, add column "previous_secret_key_hint" varchar(32) null');
    this.addSql('alter table "apps" alter column "secret_key" type text using ("secret_key"::text)');
    this.addSql('alter table "apps" alter column "previous_secret_key" type text using ("previous_secret_key"::text)');
    this.addSql('alter table "fulfilment_endpoints" add column "signing_secret_hint" varchar(32) null');
    this.addSql('alter table "fulfilment_endpoints" alter column "signing_secret" type text using ("signing_secret"::text)');
  }
}
