import { Migration } from '@mikro-orm/migrations';

export class Migration20261202103507FulfilmentSecretOverlap extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'alter table "fulfilment_endpoints" add column "previous_signing_secret" text null, add column "previous_signing_secret_hint" varchar(32) null, add column "previous_secret_expires_at" timestamptz null',
    );
  }
}
