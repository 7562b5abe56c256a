import { Migration } from '@mikro-orm/migrations';

export class Migration20261127214136FulfilmentSyncMode extends Migration {
  override up(): void {
    this.addSql('alter table "fulfilment_endpoints" add column "sync_mode" boolean not null default false');
  }
}
