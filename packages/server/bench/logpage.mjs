/**
 * The log page figure: seeds a realistic 1,000,000 (BENCH_LOG_ROWS) notification log rows for the
 * bench's app straight into the database, then times the first filtered `notificationLogs` page over
 * GraphQL ("failed order_status_change", with totalCount) as the admin page asks for it.
 */
import { migrate, openOrm } from '../dist/db/orm.js';
import { gql } from './api.mjs';
import { APP } from './targets.mjs';

/**
 * @param {string} url  a running server on `database`
 * @param {{ dialect: 'sqlite', path: string } | { dialect: 'postgresql', url: string }} database
 * @param {number} rows
 * @returns {Promise<{ seeded: number, median: number, best: number }>} seconds to seed; ms per page
 */
export async function timeLogPage(url, database, rows) {
  const orm = await openOrm(database);
  await migrate(orm);
  const conn = orm.em.getConnection();
  const [{ id: appId }] = await conn.execute(`select id from apps where vk_app_id = ${APP}`);
  const started = performance.now();
  // A realistic mix: 4 kinds, 1 in 10 test, 1 in 19 an error (on every kind: 19 and 4 are coprime),
  // 5,000 users, one row a second back in time.
  const cols =
    'app_id, vk_app_id, received_at, raw_type, notification_type, test, vk_user_id, order_id, request, response, error_code, signature_valid, duration_ms';
  const kind = (x) =>
    `(case ${x} % 4 when 0 then 'get_item' when 1 then 'order_status_change' when 2 then 'get_subscription' else 'subscription_status_change' end)`;
  if (database.dialect === 'postgresql') {
    // In slices: each statement stays under the server's own statement timeout (db/orm.ts).
    const slice = 100_000;
    for (let from = 1; from <= rows; from += slice) {
      const to = Math.min(rows, from + slice - 1);
      await conn.execute(
        `insert into notification_logs (${cols}) select ${appId}, ${APP}, now() - (x || ' seconds')::interval, ${kind('x')}, ${kind('x')}, x % 10 = 0, x % 5000, x::text, '{"bench":true}'::jsonb, '{"response":{}}', case when x % 19 = 0 then 11 end, true, 1.5 from generate_series(${from}, ${to}) as x`,
      );
    }
    // What autovacuum does after a bulk insert (insert threshold): statistics and the visibility map,
    // without which an index-only count still visits every heap page.
    await conn.execute('vacuum analyze notification_logs');
  } else {
    await conn.execute(
      `with recursive seq(x) as (select 1 union all select x + 1 from seq where x < ${rows}) insert into notification_logs (${cols}) select ${appId}, ${APP}, (unixepoch() - x) * 1000, ${kind('x')}, ${kind('x')}, x % 10 = 0, x % 5000, cast(x as text), '{"bench":true}', '{"response":{}}', case when x % 19 = 0 then 11 end, 1, 1.5 from seq`,
    );
    // Statistics help the planner; the server may still hold the write lock for a moment.
    await conn.execute('analyze notification_logs').catch((err) => console.log(`(analyze skipped: ${err.message})`));
  }
  const seeded = (performance.now() - started) / 1000;
  await orm.close();
  const query = `{ notificationLogs(vkAppId: ${APP}, filter: {types: [ORDER_STATUS_CHANGE], ok: false}, first: 20) { totalCount edges { node { id receivedAt errorCode } } } }`;
  const times = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    await gql(url, query);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { seeded, median: times[10], best: times[0] };
}
