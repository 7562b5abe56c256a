import { Migration } from '@mikro-orm/migrations';

/**
 * Room for encrypted secrets (wider columns) and their hints. The rows themselves are encrypted right
 * after the migrations, in code (secrets/at-rest.ts): a migration cannot know the secrets key.
 */
export class Migration20261202003934SecretsAtRest extends Migration {
  override up(): void {
    this.addSql('alter table `apps` add column `secret_key_hint` text null');
    this.addSql('alter table `apps` add column `previous_secret_key_hint` text null');
    this.addSql('alter table `fulfilment_endpoints` add column `signing_secret_hint` text null');
  }
}
