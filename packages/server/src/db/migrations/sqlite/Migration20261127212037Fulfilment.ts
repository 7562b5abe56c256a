import { Migration } from '@mikro-orm/migrations';

export class Migration20261127212037Fulfilment extends Migration {
  override up(): void {
    this.addSql(
      "create table `fulfilment_deliveries` (`id` integer not null primary key autoincrement, `app_id` integer not null, `event_id` text not null, `event_type` text not null, `payload` json not null, `transaction_id` integer null, `status` text not null default 'pending', `attempts` integer not null default 0, `next_attempt_at` datetime null, `locked_until` datetime null, `delivered_at` datetime null, `created_at` datetime not null, constraint `fulfilment_deliveries_app_id_foreign` foreign key(`app_id`) references `apps`(`id`) on delete cascade on update cascade)",
    );
    this.addSql('create index `fulfilment_deliveries_app_id_index` on `fulfilment_deliveries` (`app_id`)');
    this.addSql('create index `fulfilment_deliveries_app_idx` on `fulfilment_deliveries` (`app_id`, `status`)');
    this.addSql('create index `fulfilment_deliveries_due_idx` on `fulfilment_deliveries` (`status`, `next_attempt_at`)');
    this.addSql('create unique index `fulfilment_deliveries_event_unique` on `fulfilment_deliveries` (`event_id`)');
    this.addSql(
      'create table `fulfilment_attempts` (`id` integer not null primary key autoincrement, `delivery_id` integer not null, `attempted_at` datetime not null, `http_status` integer null, `response_body` text null, `error` text null, `duration_ms` double not null, constraint `fulfilment_attempts_delivery_id_foreign` foreign key(`delivery_id`) references `fulfilment_deliveries`(`id`) on delete cascade on update cascade)',
    );
    this.addSql('create index `fulfilment_attempts_delivery_id_index` on `fulfilment_attempts` (`delivery_id`)');
    this.addSql('create index `fulfilment_attempts_delivery_idx` on `fulfilment_attempts` (`delivery_id`, `id`)');
    this.addSql(
      'create table `fulfilment_endpoints` (`id` integer not null primary key autoincrement, `app_id` integer not null, `url` text not null, `signing_secret` text not null, `enabled` integer not null default true, `created_at` datetime not null, `updated_at` datetime not null, constraint `fulfilment_endpoints_app_id_foreign` foreign key(`app_id`) references `apps`(`id`) on delete cascade on update cascade)',
    );
    this.addSql('create index `fulfilment_endpoints_app_id_index` on `fulfilment_endpoints` (`app_id`)');
    this.addSql('create unique index `fulfilment_endpoints_app_id_unique` on `fulfilment_endpoints` (`app_id`)');
  }
}
