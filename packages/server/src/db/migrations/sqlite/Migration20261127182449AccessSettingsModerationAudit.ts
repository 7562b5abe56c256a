import { Migration } from '@mikro-orm/migrations';

export class Migration20261127182449AccessSettingsModerationAudit extends Migration {
  override up(): void {
    this.addSql(
      'create table `audit_events` (`id` integer not null primary key autoincrement, `app_id` integer null, `action` text not null, `actor` text not null, `target` text null, `before` json null, `after` json null, `created_at` datetime not null, constraint `audit_events_app_id_foreign` foreign key(`app_id`) references `apps`(`id`) on delete cascade on update cascade)',
    );
    this.addSql('create index `audit_events_app_id_index` on `audit_events` (`app_id`)');
    this.addSql('create index `audit_events_app_id_created_at_index` on `audit_events` (`app_id`, `created_at`)');
    this.addSql(
      "create table `moderation_requests` (`id` integer not null primary key autoincrement, `app_id` integer not null, `platforms` json not null, `app_description` text not null, `paid_features` text not null, `status` text not null default 'PENDING', `moderator_comment` text null, `submitted_by` text not null, `submitted_at` datetime not null, `decided_by` text null, `decided_at` datetime null, constraint `moderation_requests_app_id_foreign` foreign key(`app_id`) references `apps`(`id`) on delete cascade on update cascade)",
    );
    this.addSql('create index `moderation_requests_app_id_index` on `moderation_requests` (`app_id`)');
    this.addSql('create index `moderation_requests_status_submitted_at_index` on `moderation_requests` (`status`, `submitted_at`)');
    this.addSql('create index `moderation_requests_app_id_status_index` on `moderation_requests` (`app_id`, `status`)');
    this.addSql(
      'create table `payment_testers` (`id` integer not null primary key autoincrement, `app_id` integer not null, `vk_user_id` bigint not null, `added_at` datetime not null, `added_by` text not null, constraint `payment_testers_app_id_foreign` foreign key(`app_id`) references `apps`(`id`) on delete cascade on update cascade)',
    );
    this.addSql('create index `payment_testers_app_id_index` on `payment_testers` (`app_id`)');
    this.addSql('create unique index `payment_testers_app_id_vk_user_id_unique` on `payment_testers` (`app_id`, `vk_user_id`)');
    this.addSql(
      'create table `widget_sessions` (`id` integer not null primary key autoincrement, `app_id` integer not null, `api_key_id` integer null, `role` text not null, `token_hash` text not null, `created_at` datetime not null, `expires_at` datetime not null, `revoked_at` datetime null, constraint `widget_sessions_app_id_foreign` foreign key(`app_id`) references `apps`(`id`) on delete cascade on update cascade, constraint `widget_sessions_api_key_id_foreign` foreign key(`api_key_id`) references `api_keys`(`id`) on delete cascade on update cascade)',
    );
    this.addSql('create index `widget_sessions_app_id_index` on `widget_sessions` (`app_id`)');
    this.addSql('create index `widget_sessions_api_key_id_index` on `widget_sessions` (`api_key_id`)');
    this.addSql('create unique index `widget_sessions_token_hash_unique` on `widget_sessions` (`token_hash`)');
    this.addSql('alter table `apps` add column `previous_secret_key` text null');
    this.addSql('alter table `apps` add column `previous_secret_expires_at` datetime null');
    this.addSql('alter table `apps` add column `vk_registered_at` datetime null');
    this.addSql('alter table `notification_logs` add column `signed_with` text null');
    this.addSql('alter table `notification_logs` add column `warning` text null');
  }
}
