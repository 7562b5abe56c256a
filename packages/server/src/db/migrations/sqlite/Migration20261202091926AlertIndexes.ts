import { Migration } from '@mikro-orm/migrations';

/**
 * The alerts' index (alerts/alerts.service.ts): an app's last hour of notifications with their error code and
 * duration, so bad signatures, error 2 and slow answers are counted from one range of the index without
 * reading the rows. It starts with the columns of notification_logs_app_received_idx (app_id, received_at),
 * which it replaces: the log's time filter is served as before, and an insert still writes one index for both.
 */
export class Migration20261202091926AlertIndexes extends Migration {
  override up(): void {
    this.addSql(
      'create index `notification_logs_app_received_outcome_idx` on `notification_logs` (`app_id`, `received_at`, `error_code`, `duration_ms`)',
    );
    this.addSql('drop index `notification_logs_app_received_idx`');
  }
}
