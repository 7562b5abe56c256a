import { Migration } from '@mikro-orm/migrations';

export class Migration20261127182449AccessSettingsModerationAudit extends Migration {
  override up(): void {
    this.addSql(
      'create table "audit_events" ("id" serial primary key, "app_id" int null, "action" varchar(64) not null, "actor" varchar(255) not null, "target" varchar(255) null, "before" jsonb null, "after" jsonb null, "created_at" timestamptz not null)',
    );
    this.addSql('create index "audit_events_app_id_created_at_index" on "audit_events" ("app_id", "created_at")');
    this.addSql(
      'create table "moderation_requests" ("id" serial primary key, "app_id" int not null, "platforms" jsonb not null, "app_description" text not null, "paid_features" text not null, "status" varchar(16) not null default \'PENDING\', "moderator_comment" text null, "submitted_by" varchar(255) not null, "submitted_at" timestamptz not null, "decided_by" varchar(255) null, "decided_at" timestamptz null)',
    );
    this.addSql('create index "moderation_requests_status_submitted_at_index" on "moderation_requests" ("status", "submitted_at")');
    this.addSql('create index "moderation_requests_app_id_status_index" on "moderation_requests" ("app_id", "status")');
    this.addSql(
      'create table "payment_testers" ("id" serial primary key, "app_id" int not null, "vk_user_id" bigint not null, "added_at" timestamptz not null, "added_by" varchar(255) not null)',
    );
    this.addSql('alter table "payment_testers" add constraint "payment_testers_app_id_vk_user_id_unique" unique ("app_id", "vk_user_id")');
    this.addSql(
      'create table "widget_sessions" ("id" serial primary key, "app_id" int not null, "api_key_id" int null, "role" varchar(32) not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null)',
    );
    this.addSql('alter table "widget_sessions" add constraint "widget_sessions_token_hash_unique" unique ("token_hash")');
    this.addSql(
      'alter table "audit_events" add constraint "audit_events_app_id_foreign" foreign key ("app_id") references "apps" ("id") on update cascade on delete cascade',
    );
    this.addSql(
      'alter table "moderation_requests" add constraint "moderation_requests_app_id_foreign" foreign key ("app_id") references "apps" ("id") on update cascade on delete cascade',
    );
    this.addSql(
      'alter table "payment_testers" add constraint "payment_testers_app_id_foreign" foreign key ("app_id") references "apps" ("id") on update cascade on delete cascade',
    );
    this.addSql(
      'alter table "widget_sessions" add constraint "widget_sessions_app_id_foreign" foreign key ("app_id") references "apps" ("id") on update cascade on delete cascade',
    );
    this.addSql(
      'alter table "widget_sessions" add constraint "widget_sessions_api_key_id_foreign" foreign key ("api_key_id") references "api_keys" ("id") on update cascade on delete cascade',
    );
    this.addSql(
      'alter table "apps" add column "previous_secret_key" varchar(255) null, add column "previous_secret_expires_at" timestamptz null, add column "vk_registered_at" timestamptz null',
    );
    this.addSql('alter table "notification_logs" add column "signed_with" varchar(16) null, add column "warning" varchar(255) null');
  }
}
