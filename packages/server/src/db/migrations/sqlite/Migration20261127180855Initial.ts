import { Migration } from '@mikro-orm/migrations';

export class Migration20261127180855Initial extends Migration {
  override up(): void {
    this.addSql(
      "create table `apps` (`id` integer not null primary key autoincrement, `vk_app_id` bigint not null, `name` text not null, `secret_key` text not null, `notification_url` text null, `api_version` text not null default '5.132', `published` integer not null default false, `votes_payments_enabled` integer not null default false, `created_at` datetime not null)",
    );
    this.addSql('create unique index `apps_vk_app_id_unique` on `apps` (`vk_app_id`)');
    this.addSql(
      'create table `api_keys` (`id` integer not null primary key autoincrement, `app_id` integer null, `role` text not null, `label` text not null, `token_hash` text not null, `created_at` datetime not null, `last_used_at` datetime null, `revoked_at` datetime null, constraint `api_keys_app_id_foreign` foreign key(`app_id`) references `apps`(`id`) on delete cascade on update cascade)',
    );
    this.addSql('create index `api_keys_app_id_index` on `api_keys` (`app_id`)');
    this.addSql('create unique index `api_keys_token_hash_unique` on `api_keys` (`token_hash`)');
    this.addSql(
      'create table `catalog_items` (`id` integer not null primary key autoincrement, `app_id` integer not null, `item_id` text not null, `title` text not null, `photo_url` text null, `price` integer not null, `discount` integer null, `expiration` integer null, `active` integer not null default true, `created_at` datetime not null, `updated_at` datetime not null, constraint `catalog_items_app_id_foreign` foreign key(`app_id`) references `apps`(`id`) on delete cascade on update cascade)',
    );
    this.addSql('create index `catalog_items_app_id_index` on `catalog_items` (`app_id`)');
    this.addSql('create unique index `catalog_items_app_id_item_id_unique` on `catalog_items` (`app_id`, `item_id`)');
    this.addSql(
      'create table `notification_logs` (`id` integer not null primary key autoincrement, `app_id` integer null, `vk_app_id` bigint null, `received_at` datetime not null, `raw_type` text null, `notification_type` text null, `test` integer not null default false, `vk_user_id` bigint null, `order_id` text null, `subscription_id` text null, `request` json not null, `response` text not null, `error_code` integer null, `signature_valid` integer null, `duration_ms` double not null, constraint `notification_logs_app_id_foreign` foreign key(`app_id`) references `apps`(`id`) on delete cascade on update cascade)',
    );
    this.addSql('create index `notification_logs_app_id_index` on `notification_logs` (`app_id`)');
    this.addSql('create index `notification_logs_app_order_idx` on `notification_logs` (`app_id`, `order_id`)');
    this.addSql('create index `notification_logs_app_user_idx` on `notification_logs` (`app_id`, `vk_user_id`)');
    this.addSql('create index `notification_logs_app_error_idx` on `notification_logs` (`app_id`, `error_code`)');
    this.addSql('create index `notification_logs_app_type_idx` on `notification_logs` (`app_id`, `notification_type`)');
    this.addSql('create index `notification_logs_app_received_idx` on `notification_logs` (`app_id`, `received_at`)');
    this.addSql(
      'create table `subscriptions` (`id` integer not null primary key autoincrement, `app_id` integer not null, `subscription_id` text not null, `vk_user_id` bigint not null, `item_id` text not null, `price` integer not null, `status` text not null, `next_bill_time` datetime null, `cancel_reason` text null, `pending_cancel` integer not null default false, `test` integer not null, `created_at` datetime not null, `updated_at` datetime not null, constraint `subscriptions_app_id_foreign` foreign key(`app_id`) references `apps`(`id`) on delete cascade on update cascade)',
    );
    this.addSql('create index `subscriptions_app_id_index` on `subscriptions` (`app_id`)');
    this.addSql(
      'create unique index `subscriptions_app_id_test_subscription_id_unique` on `subscriptions` (`app_id`, `test`, `subscription_id`)',
    );
    this.addSql(
      'create table `subscription_plans` (`id` integer not null primary key autoincrement, `app_id` integer not null, `item_id` text not null, `title` text not null, `photo_url` text null, `price` integer not null, `period` integer not null, `trial_duration` integer null, `expiration` integer null, `active` integer not null default true, `created_at` datetime not null, `updated_at` datetime not null, constraint `subscription_plans_app_id_foreign` foreign key(`app_id`) references `apps`(`id`) on delete cascade on update cascade)',
    );
    this.addSql('create index `subscription_plans_app_id_index` on `subscription_plans` (`app_id`)');
    this.addSql('create unique index `subscription_plans_app_id_item_id_unique` on `subscription_plans` (`app_id`, `item_id`)');
    this.addSql(
      "create table `transactions` (`id` integer not null primary key autoincrement, `app_id` integer not null, `order_id` text null, `subscription_id` text null, `billing_key` text null, `vk_user_id` bigint not null, `receiver_id` bigint null, `item_id` text not null, `title` text not null, `price` integer not null, `discount` integer null, `status` text not null default 'chargeable', `test` integer not null, `vk_date` datetime null, `created_at` datetime not null, `refunded_at` datetime null, constraint `transactions_app_id_foreign` foreign key(`app_id`) references `apps`(`id`) on delete cascade on update cascade)",
    );
    this.addSql('create index `transactions_app_id_index` on `transactions` (`app_id`)');
    this.addSql('create index `transactions_app_user_idx` on `transactions` (`app_id`, `vk_user_id`)');
    this.addSql('create index `transactions_app_created_idx` on `transactions` (`app_id`, `created_at`)');
    this.addSql(
      'create unique index `transactions_subscription_charge_unique` on `transactions` (`app_id`, `test`, `subscription_id`, `billing_key`)',
    );
    this.addSql('create unique index `transactions_order_unique` on `transactions` (`app_id`, `test`, `order_id`)');
  }
}
