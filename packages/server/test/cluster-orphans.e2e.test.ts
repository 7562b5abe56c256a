/**
 * A cluster's starter that dies without running its exit handlers (SIGKILL, a test runner ending its
 * worker, an operator's `kill -9` of `pnpm cluster`) leaves no HAProxy and no instance behind holding
 * their ports: each gets SIGTERM when its starter dies (examples/cluster/cluster.mjs, findSetpriv).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHaproxy } from '../../../examples/cluster/cluster.mjs';
import { freshDatabase, until, type TestDatabase } from './helpers.js';

const CLUSTER = new URL('../../../examples/cluster/cluster.mjs', import.meta.url).href;
const RUN = findHaproxy() !== null && process.env.VKP_TEST_SKIP_POSTGRES !== '1' && process.env.VKP_TEST_DIALECT !== 'sqlite';

/** Running, and not a zombie (an orphan's exit is reaped by whatever init this machine has, maybe never). */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
};

describe.skipIf(!RUN)('a cluster whose starter is killed outright', () => {
  let db: TestDatabase;
  const started: number[] = [];
  beforeAll(async () => {
    db = await freshDatabase('postgresql');
  });
  afterAll(async () => {
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await db?.drop();
  });

  it('takes its HAProxy and its instances down with it', async () => {
    const script = `
      const { startCluster } = await import(${JSON.stringify(CLUSTER)});
      const cluster = await startCluster({ instances: 2, databaseUrl: process.env.DATABASE_URL, env: { VKP_DEMO: '0', VKP_DRAIN_DELAY: '0' } });
      console.log(JSON.stringify([cluster.balancerPid, ...cluster.instances.map((i) => i.pid)]));
      setInterval(() => {}, 1_000);`;
    const starter = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, DATABASE_URL: (db.database as { url: string }).url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    starter.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const pids = await until(
      'the cluster to start',
      () => {
        if (starter.exitCode !== null) throw new Error(`the starter exited (${starter.exitCode}): ${output}`);
        const line = output.split('\n').find((l) => l.startsWith('['));
        return line ? (JSON.parse(line) as number[]) : undefined;
      },
      60_000,
    );
    started.push(...pids);
    expect(pids).toHaveLength(3);
    expect(pids.every(alive)).toBe(true);

    starter.kill('SIGKILL');
    await once(starter, 'exit');
    await until('HAProxy and the instances to stop', () => pids.every((pid) => !alive(pid)), 15_000).catch((err: Error) => {
      const left = pids.filter(alive).map((pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').slice(0, 60));
      throw new Error(`${err.message}; still running: ${left.join(' | ')}`);
    });
  }, 90_000);
});
