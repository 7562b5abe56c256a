import { Migration } from '@mikro-orm/migrations';

/**
 * Every change to what the endpoint caches (apps and their keys, catalog items, subscription plans,
 * payment testers, fulfilment endpoints) and every revocation (API keys, widget sessions) is announced on
 * the cluster bus (src/cluster/) by the database itself, in the writer's transaction: so GraphQL, the CLI
 * in another process and hand-written SQL alike reach every instance's caches (README "Running several
 * instances"). One NOTIFY per statement (statement-level triggers over transition tables), carrying the
 * apps' ids only; a statement over more than 200 apps says "anything may have changed" instead, so the
 * payload stays far below PostgreSQL's 8,000-byte limit. A change of `api_keys.last_used_at` alone (every
 * minute a key is used) announces nothing. SQLite needs no counterpart (its data_version does this).
 */
const CHANGED = `create or replace function vkp_bus_changed() returns trigger language plpgsql as $$
declare
  app_column text := TG_ARGV[0];
  ignored text := coalesce(TG_ARGV[1], '');
  changed jsonb;
  apps jsonb;
  vk_apps jsonb;
begin
  if TG_OP = 'TRUNCATE' then
    perform pg_notify('vkp_bus', jsonb_build_object('t', 'changed', 'k', TG_TABLE_NAME, 'a', null, 'v', '[]'::jsonb)::text);
    return null;
  elsif TG_OP = 'INSERT' then
    select jsonb_agg(to_jsonb(n)) into changed from vkp_new n;
  elsif TG_OP = 'DELETE' then
    select jsonb_agg(to_jsonb(o)) into changed from vkp_old o;
  else
    select jsonb_agg(side.r) into changed
      from vkp_new n join vkp_old o on o.id = n.id
      cross join lateral (values (to_jsonb(n)), (to_jsonb(o))) as side(r)
      where to_jsonb(n) - ignored is distinct from to_jsonb(o) - ignored;
  end if;
  if changed is null then
    return null;
  end if;
  select jsonb_agg(distinct e -> app_column) filter (where jsonb_typeof(e -> app_column) = 'number'),
         jsonb_agg(distinct e -> 'vk_app_id') filter (where jsonb_typeof(e -> 'vk_app_id') = 'number')
    into apps, vk_apps
    from jsonb_array_elements(changed) as e;
  if apps is null or jsonb_array_length(apps) > 200 or jsonb_array_length(coalesce(vk_apps, '[]'::jsonb)) > 200 then
    apps := null;
    vk_apps := null;
  end if;
  perform pg_notify('vkp_bus', jsonb_build_object('t', 'changed', 'k', TG_TABLE_NAME, 'a', apps, 'v', coalesce(vk_apps, '[]'::jsonb))::text);
  return null;
end
$$`;

/** table → the arguments of vkp_bus_changed: the column naming the app, and a column whose change alone is not news. */
const TABLES: Record<string, { args: string; inserts: boolean }> = {
  apps: { args: "'id'", inserts: true },
  catalog_items: { args: "'app_id'", inserts: true },
  subscription_plans: { args: "'app_id'", inserts: true },
  payment_testers: { args: "'app_id'", inserts: true },
  fulfilment_endpoints: { args: "'app_id'", inserts: true },
  // A new key or session revokes nothing: only updates and deletes are news.
  api_keys: { args: "'app_id', 'last_used_at'", inserts: false },
  widget_sessions: { args: "'app_id'", inserts: false },
};

export class Migration20261202024022BusTriggers extends Migration {
  override up(): void {
    this.addSql(CHANGED);
    for (const [table, { args, inserts }] of Object.entries(TABLES)) {
      const fn = `for each statement execute function vkp_bus_changed(${args})`;
      if (inserts) this.addSql(`create trigger vkp_bus_insert after insert on "${table}" referencing new table as vkp_new ${fn}`);
      this.addSql(`create trigger vkp_bus_update after update on "${table}" referencing old table as vkp_old new table as vkp_new ${fn}`);
      this.addSql(`create trigger vkp_bus_delete after delete on "${table}" referencing old table as vkp_old ${fn}`);
      this.addSql(`create trigger vkp_bus_truncate after truncate on "${table}" ${fn}`);
    }
  }
}
