import { Migration } from '@mikro-orm/migrations';

export class Migration20261127212037Fulfilment extends Migration {
  override up(): void {
    this.addSql(
      'create table "fulfilment_deliveries" ("id" serial primary key, "app_id" int not null, "event_id" varchar(64) not null, "event_type" varchar(32) not null, "payload" jsonb not null, "transaction_id" int null, "status" varchar(16) not null default \'pending\', "attempts" int not null default 0, "next_attempt_at" timestamptz null, "locked_until" timestamptz null, "delivered_at" timestamptz null, "created_at" timestamptz not null)',
    );
    this.addSql('create index "fulfilment_deliveries_app_idx" on "fulfilment_deliveries" ("app_id", "status")');
    this.addSql('create index "fulfilment_deliveries_due_idx" on "fulfilment_deliveries" ("status", "next_attempt_at")');
    this.addSql('alter table "fulfilment_deliveries" add constraint "fulfilment_deliveries_event_unique" unique ("event_id")');
    this.addSql(
      'create table "fulfilment_attempts" ("id" serial primary key, "delivery_id" int not null, "attempted_at" timestamptz not null, "http_status" int null, "response_body" text null, "error" text null, "duration_ms" double precision not null)',
    );
    this.addSql('create index "fulfilment_attempts_delivery_idx" on "fulfilment_attempts" ("delivery_id", "id")');
    this.addSql(
      'create table "fulfilment_endpoints" ("id" serial primary key, "app_id" int not null, "url" varchar(2048) not null, "signing_secret" varchar(128) not null, "enabled" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null)',
    );
    this.addSql('alter table "fulfilment_endpoints" add constraint "fulfilment_endpoints_app_id_unique" unique ("app_id")');
    this.addSql(
      'alter table "fulfilment_deliveries" add constraint "fulfilment_deliveries_app_id_foreign" foreign key ("app_id") references "apps" ("id") on update cascade on delete cascade',
    );
    this.addSql(
      'alter table "fulfilment_attempts" add constraint "fulfilment_attempts_delivery_id_foreign" foreign key ("delivery_id") references "fulfilment_deliveries" ("id") on update cascade on delete cascade',
    );
    this.addSql(
      'alter table "fulfilment_endpoints" add constraint "fulfilment_endpoints_app_id_foreign" foreign key ("app_id") references "apps" ("id") on update cascade on delete cascade',
    );
  }
}
