import { Migration } from '@mikro-orm/migrations';

export class Migration20261127180855Initial extends Migration {
  override up(): void {
    this.addSql(
      'create table "apps" ("id" serial primary key, "vk_app_id" bigint not null, "name" varchar(255) not null, "secret_key" varchar(255) not null, "notification_url" varchar(2048) null, "api_version" varchar(16) not null default \'5.132\', "published" boolean not null default false, "votes_payments_enabled" boolean not null default false, "created_at" timestamptz not null)',
    );
    this.addSql('alter table "apps" add constraint "apps_vk_app_id_unique" unique ("vk_app_id")');
    this.addSql(
      'create table "api_keys" ("id" serial primary key, "app_id" int null, "role" varchar(32) not null, "label" varchar(255) not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null)',
    );
    this.addSql('alter table "api_keys" add constraint "api_keys_token_hash_unique" unique ("token_hash")');
    this.addSql(
      'create table "catalog_items" ("id" serial primary key, "app_id" int not null, "item_id" varchar(64) not null, "title" varchar(48) not null, "photo_url" varchar(2048) null, "price" int not null, "discount" int null, "expiration" int null, "active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null)',
    );
    this.addSql('alter table "catalog_items" add constraint "catalog_items_app_id_item_id_unique" unique ("app_id", "item_id")');
    this.addSql(
      'create table "notification_logs" ("id" serial primary key, "app_id" int null, "vk_app_id" bigint null, "received_at" timestamptz not null, "raw_type" varchar(64) null, "notification_type" varchar(32) null, "test" boolean not null default false, "vk_user_id" bigint null, "order_id" varchar(32) null, "subscription_id" varchar(64) null, "request" jsonb not null, "response" text not null, "error_code" int null, "signature_valid" boolean null, "duration_ms" double precision not null)',
    );
    this.addSql('create index "notification_logs_app_order_idx" on "notification_logs" ("app_id", "order_id")');
    this.addSql('create index "notification_logs_app_user_idx" on "notification_logs" ("app_id", "vk_user_id")');
    this.addSql('create index "notification_logs_app_error_idx" on "notification_logs" ("app_id", "error_code")');
    this.addSql('create index "notification_logs_app_type_idx" on "notification_logs" ("app_id", "notification_type")');
    this.addSql('create index "notification_logs_app_received_idx" on "notification_logs" ("app_id", "received_at")');
    this.addSql(
      'create table "subscriptions" ("id" serial primary key, "app_id" int not null, "subscription_id" varchar(64) not null, "vk_user_id" bigint not null, "item_id" varchar(64) not null, "price" int not null, "status" varchar(16) not null, "next_bill_time" timestamptz null, "cancel_reason" varchar(32) null, "pending_cancel" boolean not null default false, "test" boolean not null, "created_at" timestamptz not null, "updated_at" timestamptz not null)',
    );
    this.addSql(
      'alter table "subscriptions" add constraint "subscriptions_app_id_test_subscription_id_unique" unique ("app_id", "test", "subscription_id")',
    );
    this.addSql(
      'create table "subscription_plans" ("id" serial primary key, "app_id" int not null, "item_id" varchar(64) not null, "title" varchar(48) not null, "photo_url" varchar(2048) null, "price" int not null, "period" int not null, "trial_duration" int null, "expiration" int null, "active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null)',
    );
    this.addSql('alter table "subscription_plans" add constraint "subscription_plans_app_id_item_id_unique" unique ("app_id", "item_id")');
    this.addSql(
      'create table "transactions" ("id" serial primary key, "app_id" int not null, "order_id" varchar(32) null, "subscription_id" varchar(64) null, "billing_key" varchar(32) null, "vk_user_id" bigint not null, "receiver_id" bigint null, "item_id" varchar(64) not null, "title" varchar(255) not null, "price" int not null, "discount" int null, "status" varchar(16) not null default \'chargeable\', "test" boolean not null, "vk_date" timestamptz null, "created_at" timestamptz not null, "refunded_at" timestamptz null)',
    );
    this.addSql('create index "transactions_app_user_idx" on "transactions" ("app_id", "vk_user_id")');
    this.addSql('create index "transactions_app_created_idx" on "transactions" ("app_id", "created_at")');
    this.addSql(
      'alter table "transactions" add constraint "transactions_subscription_charge_unique" unique ("app_id", "test", "subscription_id", "billing_key")',
    );
    this.addSql('alter table "transactions" add constraint "transactions_order_unique" unique ("app_id", "test", "order_id")');
    this.addSql(
      'alter table "api_keys" add constraint "api_keys_app_id_foreign" foreign key ("app_id") references "apps" ("id") on update cascade on delete cascade',
    );
    this.addSql(
      'alter table "catalog_items" add constraint "catalog_items_app_id_foreign" foreign key ("app_id") references "apps" ("id") on update cascade on delete cascade',
    );
    this.addSql(
      'alter table "notification_logs" add constraint "notification_logs_app_id_foreign" foreign key ("app_id") references "apps" ("id") on update cascade on delete cascade',
    );
    this.addSql(
      'alter table "subscriptions" add constraint "subscriptions_app_id_foreign" foreign key ("app_id") references "apps" ("id") on update cascade on delete cascade',
    );
    this.addSql(
      'alter table "subscription_plans" add constraint "subscription_plans_app_id_foreign" foreign key ("app_id") references "apps" ("id") on update cascade on delete cascade',
    );
    this.addSql(
      'alter table "transactions" add constraint "transactions_app_id_foreign" foreign key ("app_id") references "apps" ("id") on update cascade on delete cascade',
    );
  }
}
