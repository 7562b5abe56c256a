import { Migration } from '@mikro-orm/migrations';

/**
 * Nothing to do on SQLite: the PostgreSQL migration of this name adds the triggers that announce changes
 * on the cluster bus; on SQLite the endpoint's connection sees other connections' commits through
 * `pragma data_version` (src/cluster/local-bus.ts). Listed so both dialects keep one list of migrations.
 */
export class Migration20261202024022BusTriggers extends Migration {
  override up(): void {
    // intentionally empty
  }
}
