/**
 * A failure that still reaches the process of `vk-payments serve` (a bug in one of our timers, a
 * promise nobody awaited): the real CLI logs it, answers /readyz 503 while it drains the requests in
 * flight, and exits non-zero for its supervisor to restart it. SIGTERM still drains and exits 0.
 */
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DIALECT, freshDatabase, ROOT_TOKEN, type TestDatabase } from './helpers.js';
import { startServerProcess, type ServerProcess } from './processes.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/fail-on-signal.mjs', import.meta.url));
/** As `pnpm start` runs it: NODE_ENV unset (vitest's NODE_ENV=test would change libraries' defaults). */
const AS_STARTED = { VKP_ADMIN_TOKEN: ROOT_TOKEN, NODE_ENV: undefined };

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a failure that reaches the process of `vk-payments serve`', () => {
  let db: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.kill('SIGKILL');
    await db?.drop();
  });

  it.each([
    ['an exception thrown from a timer', 'exception', 'test failure: thrown from a timer'],
    ['a rejection nobody handled', 'rejection', 'test failure: a rejection nobody handled'],
  ])('%s is logged, /readyz answers 503 while the server drains, and it exits non-zero', async (_what, kind, message) => {
    db = await freshDatabase(DEFAULT_DIALECT);
    server = await startServerProcess(db.database, { ...AS_STARTED, VKP_TEST_FAILURE: kind }, ['--import', FIXTURE]);
    const { hostname, port } = new URL(server.url);

    // A request in flight (its body half sent) keeps the server draining until the test finishes it.
    const socket = connect(Number(port), hostname);
    let answers = '';
    socket.on('data', (b: Buffer) => (answers += b.toString()));
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /vk/payments HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\napp_');
    await new Promise((resolve) => setTimeout(resolve, 200));

    server.child.kill('SIGUSR2');
    const p = server;
    await until(() => p.output().includes('uncaught failure'));
    // The request in flight is answered; the next one on the same connection is told the instance is going away.
    socket.write('id=1' + 'GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await server.exited).toBe(1);
    expect(answers).toMatch(/^HTTP\/1\.1 200/);
    expect(answers).toMatch(/HTTP\/1\.1 503/);

    const fatal = server
      .output()
      .split('\n')
      .find((line) => line.includes('uncaught failure'));
    expect(fatal).toBeDefined();
    const entry = JSON.parse(fatal!) as { level: number; err: { message: string } };
    expect(entry.level).toBe(60);
    expect(entry.err.message).toBe(message);
  });

  it('SIGTERM still drains and exits 0', async () => {
    db = await freshDatabase(DEFAULT_DIALECT);
    server = await startServerProcess(db.database, AS_STARTED, ['--import', FIXTURE]);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await server.kill('SIGTERM')).toBe(0);
    expect(server.output()).not.toContain('uncaught failure');
  });
});
