/**
 * A cluster on one machine: N vk-payments instances on one PostgreSQL behind HAProxy, configured by
 * haproxy.cfg beside this file (README "Running several instances"). `pnpm cluster` runs it (start.mjs);
 * the cluster tests and the bench's cluster row import it:
 *
 *   const cluster = await startCluster({ instances: 3, databaseUrl, port: 0, env: { VKP_ADMIN_TOKEN } });
 *   cluster.url                                 the balancer
 *   cluster.instances[1].restart()              SIGTERM (it drains), start again, wait until HAProxy sends it work
 *   await cluster.stop();
 *
 * It runs the built server (`pnpm -r build` first) and Debian's HAProxy. Node 20; the only package it
 * uses is the server's own `pg`, to create the database when there is none.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
export const HAPROXY_CONFIG = here('./haproxy.cfg');
const SERVER_PACKAGE = here('../../packages/server/package.json');
const CLI = here('../../packages/server/dist/cli/main.js');
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/vk_payments_cluster';
/** The sections of haproxy.cfg this module fills in. */
const FRONTEND = 'frontend vk-payments';
const STATS = 'frontend stats';
const BACKEND = 'instances';
const START_MS = 30_000;

/** The HAProxy binary: on the PATH, or where Debian's package puts it (/usr/sbin is not on every user's PATH). */
export function findHaproxy() {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'].filter(Boolean);
  for (const dir of dirs) {
    const path = join(dir, 'haproxy');
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

/** The database of `databaseUrl` as it may be printed: host and database, never the user's password. */
export function describeDatabase(databaseUrl) {
  try {
    const url = new URL(databaseUrl);
    return `${url.host}${url.pathname}`;
  } catch {
    return 'an unreadable DATABASE_URL';
  }
}

/** Creates the database of `databaseUrl` when it does not exist; whether it did. */
export async function ensureDatabase(databaseUrl) {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) throw new Error(`${describeDatabase(databaseUrl)}: name a database, e.g. ${DEFAULT_DATABASE_URL}`);
  url.pathname = '/postgres';
  const { Client } = createRequire(SERVER_PACKAGE)('pg');
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount) return false;
    await client.query(`create database "${name.replaceAll('"', '""')}"`);
    return true;
  } catch (err) {
    if (err?.code === '42P04') return false; // created by someone else meanwhile
    throw err;
  } finally {
    await client.end();
  }
}

/**
 * haproxy.cfg with the balancer's and the statistics' `bind` and the backend's `server` lines replaced by
 * ours; everything else (checks, timeouts, retries) runs as written in the file.
 */
export function renderHaproxyConfig(text, { balancer, stats, servers }) {
  let section = '';
  const done = new Set();
  const out = [];
  for (const line of text.split('\n')) {
    if (/^[a-z]/.test(line)) section = line.trim().replace(/\s+/g, ' ');
    const directive = line.trim().split(/\s+/)[0];
    if (section === FRONTEND && directive === 'bind') {
      out.push(`    bind ${balancer}`);
      done.add(FRONTEND);
    } else if (section === STATS && directive === 'bind') {
      out.push(`    bind ${stats}`);
      done.add(STATS);
    } else if (section === `backend ${BACKEND}` && directive === 'server') {
      if (!done.has(BACKEND)) out.push(...servers.map((s) => `    server ${s.name} ${s.address} check`));
      done.add(BACKEND);
    } else {
      out.push(line);
    }
  }
  for (const what of [FRONTEND, STATS, BACKEND]) {
    if (!done.has(what))
      throw new Error(`haproxy.cfg: expected ${what === BACKEND ? `server lines in "backend ${BACKEND}"` : `a bind line in "${what}"`}`);
  }
  return out.join('\n');
}

async function freePort(host) {
  const server = createServer();
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `onLine` with each complete line the stream writes. */
function eachLine(stream, onLine) {
  let carry = '';
  stream.on('data', (chunk) => {
    const lines = (carry + chunk.toString()).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
}

/**
 * util-linux's `setpriv` when it can set a parent-death signal (Linux), else null. A starter that is
 * killed outright (SIGKILL, a test runner ending its worker) runs no exit handler: without this its HAProxy
 * and instances would live on, holding their ports.
 */
let setpriv;
function findSetpriv() {
  if (setpriv === undefined) {
    const probe = spawnSync('setpriv', ['--pdeathsig', 'SIGTERM', 'true'], { stdio: 'ignore' });
    setpriv = probe.status === 0 ? 'setpriv' : null;
  }
  return setpriv;
}

/**
 * A child process that keeps the tail of what it printed, for the message when it fails. It gets SIGTERM
 * when this process dies (see findSetpriv): HAProxy stops at once, an instance drains and stops. setpriv
 * execs the command, so the child's pid is the command's.
 */
function run(command, args, env, name, onOutput) {
  const wrapper = findSetpriv();
  const child = wrapper
    ? spawn(wrapper, ['--pdeathsig', 'SIGTERM', '--', command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (line) => {
    tail = `${tail}${line}\n`.slice(-8_000);
  };
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const listeners = new Set();
  for (const stream of [child.stdout, child.stderr]) {
    eachLine(stream, (line) => {
      keep(line);
      onOutput?.(name, line);
      for (const listener of listeners) listener(line);
    });
  }
  return {
    child,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
    output: () => tail,
    /**
     * Stops reading stdout line by line when nobody asked for it: a server under load logs a line per
     * request, and a bench must not spend the shared cores on them. stderr (rare) is still kept.
     */
    quiet() {
      if (onOutput) return;
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
    },
    /** Resolves with the first line that matches, or rejects when the process exits first or `ms` pass. */
    waitForLine(pattern, ms) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => fail(new Error(`${name} printed nothing like ${pattern} within ${ms / 1000} s:\n${tail}`)), ms);
        const listener = (line) => {
          const m = pattern.exec(line);
          if (m) finish(() => resolve(m));
        };
        const finish = (then) => {
          clearTimeout(timer);
          listeners.delete(listener);
          then();
        };
        const fail = (err) => finish(() => reject(err));
        listeners.add(listener);
        void exited.then((code) => fail(new Error(`${name} exited (${code}) before it was ready:\n${tail}`)));
      });
    },
  };
}

/**
 * Starts the database (created when missing), `instances` servers and HAProxy in front of them; resolves
 * once HAProxy sees every instance UP. `port` 0 picks free ports; otherwise the instances listen on the
 * next `instances` ports and the statistics page on the one after. `env` goes to every instance (the
 * same VKP_SECRETS_KEY for all: a random one unless given). `onOutput(name, line)` receives what the
 * instances and HAProxy print.
 */
export async function startCluster({
  instances: count = 3,
  databaseUrl = DEFAULT_DATABASE_URL,
  port = 0,
  host = '127.0.0.1',
  env = {},
  haproxy = findHaproxy(),
  onOutput,
} = {}) {
  if (!haproxy) throw new Error("HAProxy is not installed: apt-get install -y haproxy (Debian's package)");
  if (!Number.isInteger(count) || count < 1) throw new Error(`instances: expected a whole number of 1 or more, not ${count}`);
  const createdDatabase = await ensureDatabase(databaseUrl);
  const balancerPort = port || (await freePort(host));
  const ports = [];
  for (let i = 1; i <= count; i++) ports.push(port ? port + i : await freePort(host));
  const statsPort = port ? port + count + 1 : await freePort(host);
  const url = `http://${host}:${balancerPort}`;
  const statsUrl = `http://${host}:${statsPort}/`;
  const instanceEnv = {
    ...process.env,
    // Settings show the balancer's URL as the one to give VK; the instances trust it for X-Forwarded-For.
    VKP_PUBLIC_URL: url,
    VKP_TRUST_PROXY: host,
    ...env,
    HOST: host,
    DATABASE_URL: databaseUrl,
    VKP_SECRETS_KEY: env.VKP_SECRETS_KEY ?? randomBytes(32).toString('base64'),
  };

  const processes = new Set();
  // A test runner or bench that ends without stop() must not leave servers holding their ports.
  const killAll = () => processes.forEach((p) => p.running() && p.child.kill('SIGKILL'));
  process.once('exit', killAll);

  const servers = async () => {
    const res = await fetch(`${statsUrl};csv`);
    const [header, ...rows] = (await res.text())
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const column = (name) => header.indexOf(name === 'pxname' ? '# pxname' : name);
    const [px, sv, status, total] = ['pxname', 'svname', 'status', 'stot'].map(column);
    const state = {};
    for (const row of rows) {
      if (row[px] === BACKEND && row[sv] !== 'BACKEND') state[row[sv]] = { status: row[status], sessions: Number(row[total]) };
    }
    return state;
  };
  const until = async (name, status, ms = START_MS) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const now = await servers().catch(() => ({}));
      if (now[name]?.status === status) return;
      if (Date.now() > deadline)
        throw new Error(`HAProxy did not see ${name} ${status} within ${ms / 1000} s (it sees ${now[name]?.status ?? 'nothing'})`);
      await sleep(100);
    }
  };

  const makeInstance = (name, instancePort) => {
    let current;
    const instance = {
      name,
      url: `http://${host}:${instancePort}`,
      get pid() {
        return current?.child.pid;
      },
      get running() {
        return Boolean(current?.running());
      },
      output: () => current?.output() ?? '',
      /** Starts the instance (again); resolves once it listens. */
      async start() {
        if (current?.running()) throw new Error(`${name} is already running`);
        current = run(process.execPath, [CLI, 'serve'], { ...instanceEnv, PORT: String(instancePort) }, name, onOutput);
        processes.add(current);
        await current.waitForLine(/listening on http:\/\//, START_MS);
        current.quiet();
      },
      /** SIGTERM: it drains (VKP_DRAIN_DELAY), then exits; resolves with the exit code. */
      async stop(signal = 'SIGTERM') {
        if (!current?.running()) return current ? current.exited : null;
        current.child.kill(signal);
        return current.exited;
      },
      /** SIGKILL, as a crash or the OOM killer would. */
      kill: () => instance.stop('SIGKILL'),
      /** A rolling deploy's step: stop (draining), start, and wait until HAProxy sends it work again. */
      async restart() {
        await instance.stop();
        await instance.start();
        await until(name, 'UP');
      },
    };
    return instance;
  };

  const instances = ports.map((p, i) => makeInstance(`app${i + 1}`, p));
  let dir;
  let balancer;
  const stop = async () => {
    process.off('exit', killAll);
    if (balancer?.running()) balancer.child.kill('SIGTERM');
    await Promise.all([balancer?.exited, ...instances.map((i) => i.stop('SIGINT'))]);
    if (dir) await rm(dir, { recursive: true, force: true });
  };

  try {
    // The first instance alone: it migrates a new database and creates its root token and demo app, once.
    await instances[0].start();
    await Promise.all(instances.slice(1).map((i) => i.start()));
    dir = await mkdtemp(join(tmpdir(), 'vkp-cluster-'));
    const config = renderHaproxyConfig(await readFile(HAPROXY_CONFIG, 'utf8'), {
      balancer: `${host}:${balancerPort}`,
      stats: `${host}:${statsPort}`,
      servers: instances.map((i, n) => ({ name: i.name, address: `${host}:${ports[n]}` })),
    });
    await writeFile(join(dir, 'haproxy.cfg'), config);
    balancer = run(haproxy, ['-db', '-f', join(dir, 'haproxy.cfg')], process.env, 'haproxy', onOutput);
    processes.add(balancer);
    const balancerExited = balancer.exited.then((code) => {
      throw new Error(`HAProxy exited (${code}):\n${balancer.output()}`);
    });
    balancerExited.catch(() => undefined); // it exits at stop(): only a failure to start matters here
    await Promise.race([Promise.all(instances.map((i) => until(i.name, 'UP'))), balancerExited]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    statsUrl,
    databaseUrl,
    createdDatabase,
    instances,
    get balancerPid() {
      return balancer.child.pid;
    },
    servers,
    until,
    stop,
  };
}
