import { Migration } from '@mikro-orm/migrations';

/**
 * The fulfilment endpoint's previous signing secret (encrypted, with its hint) and when it stops signing:
 * rotateFulfilmentSecret's overlap. Null on every existing endpoint: each goes on with its one secret.
 */
export class Migration20261202103507FulfilmentSecretOverlap extends Migration {
  override up(): void {
    this.addSql('alter table `fulfilment_endpoints` add column `previous_signing_secret` text null');
    this.addSql('alter table `fulfilment_endpoints` add column `previous_signing_secret_hint` text null');
    this.addSql('alter table `fulfilment_endpoints` add column `previous_secret_expires_at` datetime null');
  }
}
