/**
 * `pnpm cluster` (examples/cluster/start.mjs) prints where everything is, but never the database
 * password: the banner and its errors name the database by host and name only, as `vk-payments local` does.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHaproxy } from '../../../examples/cluster/cluster.mjs';
import { freshDatabase, type TestDatabase } from './helpers.js';
import { freePort } from './processes.js';

const START = fileURLToPath(new URL('../../../examples/cluster/start.mjs', import.meta.url));
const PASSWORD = 'pa55-in-the-url';
const RUN = findHaproxy() !== null && process.env.VKP_TEST_SKIP_POSTGRES !== '1' && process.env.VKP_TEST_DIALECT !== 'sqlite';

/** The URL with a password (trust authentication ignores it): what an operator's DATABASE_URL looks like. */
const withPassword = (url: string, path?: string): string => {
  const u = new URL(url);
  u.password = PASSWORD;
  if (path !== undefined) u.pathname = path;
  return u.toString();
};

/** Runs start.mjs until it prints `until` (then Ctrl-C) or exits; everything it printed. */
async function runCluster(databaseUrl: string, until?: string): Promise<string> {
  const child = spawn(process.execPath, [START], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      CLUSTER_INSTANCES: '1',
      PORT: String(await freePort()),
      VKP_SECRETS_KEY: 'dGVzdCBzZWNyZXRzIGtleSwgMzIgYnl0ZXMgbG9uZyE=',
      VKP_DEMO: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = once(child, 'exit');
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    if (until && output.includes(until)) child.kill('SIGINT');
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(timer);
  return output;
}

describe.skipIf(!RUN)('pnpm cluster output', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase('postgresql');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('the banner names the database by host and name, never its password', async () => {
    const url = (db.database as { url: string }).url;
    const output = await runCluster(withPassword(url), 'Ctrl-C stops everything');
    expect(output).toContain('Ctrl-C stops everything');
    expect(output).toContain(`database:            ${new URL(url).host}${new URL(url).pathname}`);
    expect(output).not.toContain(PASSWORD);
  }, 90_000);

  it('a DATABASE_URL it cannot use is refused without printing its password', async () => {
    const output = await runCluster(withPassword((db.database as { url: string }).url, '/'));
    expect(output).toContain('name a database');
    expect(output).not.toContain(PASSWORD);
  }, 30_000);
});
