import { Migration } from '@mikro-orm/migrations';

/**
 * One index per foreign key, leading with its column. PostgreSQL never had MikroORM's single-column FK
 * indexes (SQLite's twin of this migration drops the redundant ones); it lacked one where no composite
 * index leads with the FK column, so deleting an app or a key scanned every key and widget session.
 */
export class Migration20261202023812ForeignKeyIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql("create index \"api_keys_app_id_index\" on \"api_keys\" (\"app_id\")");
    this.addSql("create index \"widget_sessions_app_id_index\" on \"widget_sessions\" (\"app_id\")");
    this.addSql("create index \"widget_sessions_api_key_id_index\" on \"widget_sessions\" (\"api_key_id\")");
  }
}
