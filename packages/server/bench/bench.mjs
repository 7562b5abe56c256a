#!/usr/bin/env node
/**
 * `pnpm bench`: a benchmark, not a test. It drives signed VK notifications (half get_item, half unique
 * chargeable orders) over real HTTP with autocannon against our server on SQLite, on PostgreSQL when
 * one answers, and a bare node:http "ceiling" that only parses and verifies; prints requests/s,
 * p50/p99 and ours ÷ ceiling. Then it seeds 1,000,000 log rows and times the first filtered
 * `notificationLogs` page, and prints the widget's standalone size. Targets are printed, not asserted.
 *
 *   pnpm bench                 (BENCH_SECONDS=10 BENCH_CONNECTIONS=32 BENCH_LOG_ROWS=1000000 to change;
 *                               BENCH_LOG_ROWS=0 skips the log page, BENCH_PG_URL= skips PostgreSQL)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { openOrm, migrate } from '../dist/db/orm.js';
import { signParams } from '../dist/notifications/signature.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LOG_ROWS = Number(process.env.BENCH_LOG_ROWS ?? 1_000_000);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = 'bench-root-token-0123456789abcdef';
const SECRET = 'AbCdEf0123456789XyZw';
const APP = 777001;
const here = (p) => fileURLToPath(new URL(p, import.meta.url));

function startProcess(args, env) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const listening = (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      // Stop reading the server's output once it listens (it keeps logging a line per notification),
      // so the bench process does not spend the shared CPUs on it.
      child.stdout.off('data', listening);
      child.stdout.resume();
      resolve({ url: m[1], stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) });
    };
    child.stdout.on('data', listening);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

async function gql(url, query) {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT}` }, body: JSON.stringify({ query }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

let orderSeq = Date.now() * 100;
/** Half get_item, half chargeable with an order id never used before: every order is a real insert. */
function nextBody(i) {
  const common = { app_id: String(APP), user_id: String(1 + (i % 5000)), version: '5.132', item: 'gem_pack' };
  const fields = i % 2 ? { ...common, notification_type: 'get_item', lang: 'ru_RU', order_id: String(i) } : { ...common, notification_type: 'order_status_change', status: 'chargeable', item_price: '10', order_id: String(orderSeq++) };
  return new URLSearchParams(signParams(fields, SECRET)).toString();
}

async function load(url) {
  let i = 0;
  const run = (duration) =>
    autocannon({
      url: `${url}/vk/payments`,
      connections: CONNECTIONS,
      duration,
      requests: [{ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, setupRequest: (req) => ({ ...req, body: nextBody(i++) }) }],
    });
  await run(2); // warm up: JIT, pools, caches
  const r = await run(SECONDS);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, timeouts: r.timeouts };
}

async function ourServer(database) {
  // PostgreSQL needs a secrets key; SQLite makes its key file beside the database, as `pnpm start` does.
  const secretsKey = database.startsWith('postgres') ? { VKP_SECRETS_KEY: randomBytes(32).toString('base64') } : {};
  const server = await startProcess([here('../dist/cli/main.js'), 'serve'], { PORT: '0', VKP_DEMO: '0', VKP_ADMIN_TOKEN: ROOT, DATABASE_URL: database, VKP_RATE_LIMIT: '0', ...secretsKey });
  await gql(server.url, `mutation { createApp(input: {vkAppId: ${APP}, name: "Bench", secretKey: "${SECRET}"}) { vkAppId } }`);
  await gql(server.url, `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`);
  return server;
}

async function pgDatabase() {
  try {
    const admin = await openOrm({ dialect: 'postgresql', url: PG_URL });
    const name = `vkp_bench_${process.pid}`;
    await admin.em.getConnection().execute(`create database ${name}`);
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    return { url: url.toString(), drop: async () => (await admin.em.getConnection().execute(`drop database if exists ${name} with (force)`), await admin.close()) };
  } catch (err) {
    console.log(`PostgreSQL not reachable at ${PG_URL} (${err.message}): skipping it`);
    return null;
  }
}

/** Seeds LOG_ROWS rows for one app in one statement, then times the first filtered page over GraphQL. */
async function logPage(server, database) {
  const orm = await openOrm(database);
  await migrate(orm);
  const conn = orm.em.getConnection();
  const [{ id: appId }] = await conn.execute(`select id from apps where vk_app_id = ${APP}`);
  const started = performance.now();
  // A realistic mix: 4 kinds, 1 in 10 test, 1 in 19 an error (on every kind: 19 and 4 are coprime),
  // 5,000 users, one row a second back in time.
  const cols = 'app_id, vk_app_id, received_at, raw_type, notification_type, test, vk_user_id, order_id, request, response, error_code, signature_valid, duration_ms';
  const kind = (x) => `(case ${x} % 4 when 0 then 'get_item' when 1 then 'order_status_change' when 2 then 'get_subscription' else 'subscription_status_change' end)`;
  if (database.dialect === 'postgresql') {
    // In slices: each statement stays under the server's own statement timeout (db/orm.ts).
    const slice = 100_000;
    for (let from = 1; from <= LOG_ROWS; from += slice) {
      const to = Math.min(LOG_ROWS, from + slice - 1);
      await conn.execute(`insert into notification_logs (${cols}) select ${appId}, ${APP}, now() - (x || ' seconds')::interval, ${kind('x')}, ${kind('x')}, x % 10 = 0, x % 5000, x::text, '{"bench":true}'::jsonb, '{"response":{}}', case when x % 19 = 0 then 11 end, true, 1.5 from generate_series(${from}, ${to}) as x`);
    }
    // What autovacuum does after a bulk insert (insert threshold): statistics and the visibility map,
    // without which an index-only count still visits every heap page.
    await conn.execute('vacuum analyze notification_logs');
  } else {
    await conn.execute(`with recursive seq(x) as (select 1 union all select x + 1 from seq where x < ${LOG_ROWS}) insert into notification_logs (${cols}) select ${appId}, ${APP}, (unixepoch() - x) * 1000, ${kind('x')}, ${kind('x')}, x % 10 = 0, x % 5000, cast(x as text), '{"bench":true}', '{"response":{}}', case when x % 19 = 0 then 11 end, 1, 1.5 from seq`);
    // Statistics help the planner; the server may still hold the write lock for a moment after the load.
    await conn.execute('analyze notification_logs').catch((err) => console.log(`(analyze skipped: ${err.message})`));
  }
  const seeded = (performance.now() - started) / 1000;
  await orm.close();
  const query = `{ notificationLogs(vkAppId: ${APP}, filter: {types: [ORDER_STATUS_CHANGE], ok: false}, first: 20) { totalCount edges { node { id receivedAt errorCode } } } }`;
  const times = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    await gql(server.url, query);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { seeded, median: times[10], first: times[0] };
}

const fmt = (n, d = 0) => n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });
const results = [];
console.log(`vk-payments bench: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${CONNECTIONS} connections, ${SECONDS} s each, half get_item / half new chargeable orders\n`);

const ceilingProc = await startProcess([here('ceiling.mjs')], { SECRET });
const ceiling = await load(ceilingProc.url);
await ceilingProc.stop();
results.push(['ceiling (node:http, parse + MD5 only)', ceiling]);

const sqlitePath = join(mkdtempSync(join(tmpdir(), 'vkp-bench-')), 'bench.sqlite');
let server = await ourServer(`sqlite:${sqlitePath}`);
const sqlite = await load(server.url);
results.push(['vk-payments on SQLite', sqlite]);
const sqliteLogs = LOG_ROWS > 0 ? await logPage(server, { dialect: 'sqlite', path: sqlitePath }) : null;
await server.stop();

const pg = PG_URL ? await pgDatabase() : null;
let pgResult;
let pgLogs;
if (pg) {
  server = await ourServer(pg.url);
  pgResult = await load(server.url);
  results.push(['vk-payments on PostgreSQL', pgResult]);
  pgLogs = LOG_ROWS > 0 ? await logPage(server, { dialect: 'postgresql', url: pg.url }) : null;
  await server.stop();
  await pg.drop();
}

console.log('target'.padEnd(40), 'req/s'.padStart(8), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), '÷ ceiling'.padStart(10), 'errors'.padStart(7));
for (const [name, r] of results) {
  console.log(name.padEnd(40), fmt(r.rps).padStart(8), fmt(r.p50, 1).padStart(8), fmt(r.p99, 1).padStart(8), fmt(r.rps / ceiling.rps, 2).padStart(10), String(r.errors + r.timeouts).padStart(7));
}
const verdict = (ok) => (ok ? 'met' : 'MISSED');
console.log(`\ntarget SQLite ≥ 0.60× ceiling with p99 ≤ 15 ms: ${fmt(sqlite.rps / ceiling.rps, 2)}×, p99 ${fmt(sqlite.p99, 1)} ms — ${verdict(sqlite.rps / ceiling.rps >= 0.6 && sqlite.p99 <= 15)}`);
if (pgResult) console.log(`target PostgreSQL ≥ 0.40× ceiling: ${fmt(pgResult.rps / ceiling.rps, 2)}× — ${verdict(pgResult.rps / ceiling.rps >= 0.4)}`);
for (const [name, r] of [['SQLite', sqliteLogs], ['PostgreSQL', pgLogs]]) {
  if (r) console.log(`${fmt(LOG_ROWS)} log rows on ${name} (seeded in ${fmt(r.seeded, 1)} s): first filtered notificationLogs page median ${fmt(r.median, 1)} ms (best ${fmt(r.first, 1)}) — target ≤ 30 ms: ${verdict(r.median <= 30)}`);
}
const widget = here('../../widget/dist/vk-payments-admin.js');
if (existsSync(widget)) {
  const code = readFileSync(widget);
  console.log(`widget standalone module: ${fmt(code.length / 1024, 1)} KB minified, ${fmt(gzipSync(code, { level: 9 }).length / 1024, 1)} KB min+gzip — target ≤ 35 KB`);
}
