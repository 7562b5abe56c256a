/**
 * What the bench measures, started and ready for the load: the ceiling, our server on a SQLite file or
 * a PostgreSQL database with the bench's app and item, and the cluster of examples/cluster/.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { gql, ROOT } from './api.mjs';
import { startNode } from './processes.mjs';

export const APP = 777001;
export const SECRET = 'AbCdEf0123456789XyZw';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const CEILING = fileURLToPath(new URL('ceiling.mjs', import.meta.url));
const CLUSTER = new URL('../../../examples/cluster/cluster.mjs', import.meta.url);

/** One secrets key for every server of this bench, so a server restarted on a database still reads its app's key. */
const SECRETS_KEY = randomBytes(32).toString('base64');

/** Our server's settings under the bench: no demo app, no API rate limit (the bench's own queries). */
const serverEnv = (databaseUrl) => ({
  VKP_DEMO: '0',
  VKP_ADMIN_TOKEN: ROOT,
  VKP_RATE_LIMIT: '0',
  // No load balancer watches the bench's single servers: stopping one need not wait out a drain delay.
  VKP_DRAIN_DELAY: '0',
  // PostgreSQL needs a secrets key; SQLite makes its key file beside the database, as `pnpm start` does.
  ...(databaseUrl.startsWith('postgres') ? { VKP_SECRETS_KEY: SECRETS_KEY } : {}),
});

/** The bench's app and its item, created through the API as an operator would. */
export async function setUpApp(url) {
  await gql(url, `mutation { createApp(input: {vkAppId: ${APP}, name: "Bench", secretKey: "${SECRET}"}) { vkAppId } }`);
  await gql(url, `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`);
}

/** The bare node:http ceiling (ceiling.mjs). */
export const startCeiling = (logFile) => startNode([CEILING], { SECRET }, { logFile, readyPath: '/' });

/**
 * `vk-payments serve` on `databaseUrl`, ready (/readyz 200), its output into `logFile`.
 * @param {string} databaseUrl
 * @param {string} logFile
 * @param {Record<string, string>} [env]
 */
export const startServer = (databaseUrl, logFile, env = serverEnv(databaseUrl)) =>
  startNode([CLI, 'serve'], { DATABASE_URL: databaseUrl, ...env }, { logFile });

/** `startServer` with the bench's app set up. */
export async function startOurServer(databaseUrl, logFile) {
  const server = await startServer(databaseUrl, logFile);
  try {
    await setUpApp(server.url);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/**
 * A new PostgreSQL database beside `adminUrl`'s, or null (and why) when PostgreSQL does not answer.
 * @param {string} adminUrl
 * @param {string} tag
 * @returns {Promise<{ url: string, drop: () => Promise<void> } | { unreachable: string }>}
 */
export async function createPgDatabase(adminUrl, tag) {
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (err) {
    return { unreachable: err.message };
  }
  const name = `vkp_bench_${process.pid}_${tag}`;
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** The pid of one of the cluster's instances, whichever way cluster.mjs exposes it (or undefined). */
const pidOf = (instance) => [instance?.pid, instance?.child?.pid, instance?.process?.pid].find((pid) => typeof pid === 'number');

/**
 * Three instances on `databaseUrl` behind HAProxy, started by examples/cluster/cluster.mjs, with the
 * bench's app; `{ absent }` when that module is not in this checkout.
 * @param {string} databaseUrl
 * @param {number} port
 */
export async function startOurCluster(databaseUrl, port) {
  if (!existsSync(CLUSTER)) return { absent: `${fileURLToPath(CLUSTER)} is not in this checkout` };
  const { startCluster } = await import(CLUSTER.href);
  const cluster = await startCluster({ instances: 3, databaseUrl, port, env: serverEnv(databaseUrl) });
  const url = String(cluster.url).replace(/\/$/, '');
  try {
    await setUpApp(url);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return { url, pids: cluster.instances.map(pidOf), stop: () => cluster.stop() };
}
