import { Migration } from '@mikro-orm/migrations';

/**
 * The history of subscriptions (subscriptions/subscription-event.entity.ts), which subscription stats replay.
 * Rows from before it are reconstructed from what was stored, in time order:
 * - every charge (transactions with a subscription_id) as a paid period at its time, exact;
 * - a subscription never charged here and not cancelled, as live since it was created;
 * - a cancelled subscription, as its cancellation when its row last changed (updated_at). Only the
 *   latest state was stored: a cancellation later resumed, or resumed and cancelled again, is not known.
 * The plan's period is the plan's as it stands now.
 */
export class Migration20261202091246SubscriptionEvents extends Migration {
  override up(): void {
    this.addSql(
      'create table `subscription_events` (`id` integer not null primary key autoincrement, `app_id` integer not null, `test` integer not null, `subscription_id` text not null, `vk_user_id` bigint not null, `item_id` text not null, `status` text not null, `cancel_reason` text null, `pending_cancel` integer not null, `price` integer not null, `period_days` integer null, `next_bill_time` datetime null, `charge` integer not null, `occurred_at` datetime not null, constraint `subscription_events_app_id_foreign` foreign key(`app_id`) references `apps`(`id`) on delete cascade on update cascade)',
    );
    this.addSql('create index `subscription_events_app_history_idx` on `subscription_events` (`app_id`, `test`, `id`)');
    this.addSql(
      "insert into subscription_events (app_id, test, subscription_id, vk_user_id, item_id, status, cancel_reason, pending_cancel, price, period_days, next_bill_time, charge, occurred_at)\n  select app_id, test, subscription_id, vk_user_id, item_id, status, cancel_reason, pending_cancel, price, period_days, next_bill_time, charge, occurred_at from (\n    select t.app_id, t.test, t.subscription_id, t.vk_user_id, t.item_id, 'chargeable' as status, null as cancel_reason, false as pending_cancel, t.price, p.period as period_days, null as next_bill_time, true as charge, t.created_at as occurred_at, 0 as k, t.id as n\n      from transactions t left join subscription_plans p on p.app_id = t.app_id and p.item_id = t.item_id\n      where t.subscription_id is not null\n    union all\n    select s.app_id, s.test, s.subscription_id, s.vk_user_id, s.item_id, s.status, s.cancel_reason, s.pending_cancel, s.price, p.period, s.next_bill_time, false, s.created_at, 1, s.id\n      from subscriptions s left join subscription_plans p on p.app_id = s.app_id and p.item_id = s.item_id\n      where s.status <> 'cancelled' and not exists (select 1 from transactions t where t.app_id = s.app_id and t.test = s.test and t.subscription_id = s.subscription_id)\n    union all\n    select s.app_id, s.test, s.subscription_id, s.vk_user_id, s.item_id, s.status, s.cancel_reason, s.pending_cancel, s.price, p.period, s.next_bill_time, false, s.updated_at, 2, s.id\n      from subscriptions s left join subscription_plans p on p.app_id = s.app_id and p.item_id = s.item_id\n      where s.status = 'cancelled'\n  ) h order by occurred_at, k, n",
    );
  }
}
