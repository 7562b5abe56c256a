#!/usr/bin/env node
/**
 * `pnpm cluster`: three vk-payments instances on one PostgreSQL behind HAProxy, on this machine
 * (cluster.mjs, haproxy.cfg; README "Running several instances"). Ctrl-C stops everything; SIGHUP
 * restarts the instances one at a time, as a rolling deploy does.
 *
 *   PORT=8080                 the balancer; the instances listen on the next ports, the statistics after them
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/vk_payments_cluster   created when missing
 *   CLUSTER_INSTANCES=3
 *   VKP_SECRETS_KEY           shared by every instance; unset: generated once into data/cluster.secrets-key
 *   any other VKP_* variable  passed to every instance
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DEFAULT_DATABASE_URL, describeDatabase, findHaproxy, startCluster } from './cluster.mjs';

const KEY_FILE = resolve('data/cluster.secrets-key');
const print = (line = '') => process.stdout.write(`${line}\n`);

/** The cluster's secrets key: VKP_SECRETS_KEY, or the key file (created once, mode 0600), so a restart reads the same database. */
async function secretsKey() {
  if (process.env.VKP_SECRETS_KEY) return { key: process.env.VKP_SECRETS_KEY, from: 'VKP_SECRETS_KEY' };
  try {
    return { key: (await readFile(KEY_FILE, 'utf8')).trim(), from: `read from ${KEY_FILE}` };
  } catch (err) {
    if (err?.code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32).toString('base64');
  await mkdir(dirname(KEY_FILE), { recursive: true });
  await writeFile(KEY_FILE, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return { key, from: `generated in ${KEY_FILE}: back it up with the database, which cannot be read without it` };
}

/**
 * What the instances and HAProxy print, prefixed with their name: the first instance's start banner (the
 * root token at the first start), every instance's address, warnings and errors; not the line per request.
 */
function show(name, line) {
  if (!line.trim()) return;
  if (line.startsWith('{')) {
    try {
      if (JSON.parse(line).level < 40) return;
    } catch {
      // not a log entry: show it
    }
  } else if (name !== 'app1' && line.startsWith('  ')) {
    return; // the same banner as app1's
  }
  print(`[${name}] ${line}`);
}

if (!findHaproxy()) {
  console.error("pnpm cluster needs HAProxy: apt-get install -y haproxy (Debian's package)");
  process.exit(1);
}
const instances = Number(process.env.CLUSTER_INSTANCES ?? 3);
const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
  console.error('DATABASE_URL: a cluster shares one PostgreSQL database (postgres://…)');
  process.exit(1);
}
const { key, from } = await secretsKey();
const cluster = await startCluster({
  instances,
  databaseUrl,
  port: Number(process.env.PORT ?? 8080),
  env: { VKP_SECRETS_KEY: key },
  onOutput: show,
});

print();
print(`vk-payments cluster: ${instances} instances behind HAProxy${cluster.createdDatabase ? ' (database created)' : ''}`);
print(`  balancer:            ${cluster.url}`);
print(`  VK notification URL: ${cluster.url}/vk/payments`);
print(`  GraphQL, admin page: ${cluster.url}/graphql, ${cluster.url}/admin`);
print(`  HAProxy statistics:  ${cluster.statsUrl}`);
print(`  database:            ${describeDatabase(databaseUrl)}`);
print(`  secrets key:         ${from}`);
for (const i of cluster.instances) print(`  ${i.name}:                ${i.url} (pid ${i.pid})`);
print();
print(
  `Ctrl-C stops everything. A rolling restart (each instance drains, restarts, and is back in HAProxy before the next): kill -HUP ${process.pid}`,
);

let rolling = false;
process.on('SIGHUP', async () => {
  if (rolling) return;
  rolling = true;
  try {
    for (const i of cluster.instances) {
      print(`rolling restart: ${i.name}…`);
      await i.restart();
      print(`rolling restart: ${i.name} is back (pid ${i.pid})`);
    }
  } catch (err) {
    console.error(`rolling restart failed: ${err.message}`);
  } finally {
    rolling = false;
  }
});
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  print('stopping HAProxy and the instances…');
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
