/**
 * `pnpm bench`'s own machinery (bench/): wrk replaying pre-signed bodies through replay.lua, the reading
 * of wrk's output, and the check of the server's records after a load — the parts whose mistakes would
 * print wrong figures without anyone noticing. Needs Debian's wrk (scripts/ensure-wrk.sh).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { writeBodies } from '../bench/bodies.mjs';
import { APP, SECRET, startOurServer } from '../bench/targets.mjs';
import { checkRecords, settledRecords } from '../bench/verify.mjs';
import { parseWrkOutput, runWrk } from '../bench/wrk.mjs';
import { DEFAULT_DIALECT, freshDatabase } from './helpers.js';
import { databaseUrl } from './processes.js';

const dir = mkdtempSync(join(tmpdir(), 'vkp-bench-test-'));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server that keeps every body it receives and answers `status(n)` to the n-th request. */
async function recordingServer(status: (n: number) => number = () => 200): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      bodies.push(body);
      res.statusCode = status(bodies.length);
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/vk/payments`, bodies };
}

async function bodiesFile(name: string, lines: number, secret = SECRET): Promise<string[]> {
  const path = join(dir, name);
  await writeBodies(path, lines, { app: APP, secret, firstOrderId: 5_000_000 });
  return readFileSync(path, 'utf8').trimEnd().split('\n');
}

describe('wrk replaying pre-signed bodies (replay.lua)', () => {
  it('sends each body of the file at most once, and counts exactly what it sent', async () => {
    const lines = await bodiesFile('once.txt', 200_000);
    const server = await recordingServer();
    const result = await runWrk({ url: server.url, bodies: join(dir, 'once.txt'), seconds: 1, connections: 4 });

    expect(result.wraps).toBe(0);
    expect(new Set(server.bodies).size).toBe(server.bodies.length); // no body twice
    // The bodies sent are the file's first `sent` lines: none skipped (the check request wrk makes
    // before the run neither uses one up nor is sent).
    const firstLines = new Set(lines.slice(0, result.sent));
    expect(server.bodies.every((body) => firstLines.has(body))).toBe(true);
    expect(server.bodies).toContain(lines[0]);
    // Every answered request was received; only those in flight at the stop may be missing.
    expect(server.bodies.length).toBeGreaterThanOrEqual(result.answered);
    expect(result.sent - server.bodies.length).toBeLessThanOrEqual(4);
    expect(result.answered).toBeGreaterThan(100);
  });

  it('starts the file again when it runs out, and says how often', async () => {
    const lines = await bodiesFile('short.txt', 10);
    const server = await recordingServer();
    const result = await runWrk({ url: server.url, bodies: join(dir, 'short.txt'), seconds: 1, connections: 2 });

    expect(result.wraps).toBe(Math.floor(result.sent / 10));
    expect(result.wraps).toBeGreaterThan(10);
    expect(new Set(server.bodies)).toEqual(new Set(lines));
  });

  it("reads answers with a status ≥ 400 from wrk's output, and its own CPU time", async () => {
    await bodiesFile('mixed.txt', 100_000);
    const server = await recordingServer((n) => (n % 4 === 0 ? 500 : 200));
    const result = await runWrk({ url: server.url, bodies: join(dir, 'mixed.txt'), seconds: 1, connections: 2 });

    // The server answered every 4th with 500; wrk counts those it received (all but ≤ 2 in flight at the stop).
    const answered500 = Math.floor(server.bodies.length / 4);
    expect(result.non2xx).toBeGreaterThan(0);
    expect(result.non2xx).toBeLessThanOrEqual(answered500);
    expect(result.non2xx).toBeGreaterThanOrEqual(answered500 - 2);
    expect(result.rps).toBeGreaterThan(0);
    expect(result.p50).toBeLessThanOrEqual(result.p99);
    // At least one clock tick over a second of sending thousands of requests.
    expect(result.cpuTicks).toBeGreaterThan(0);
    expect(result.cpuTotalTicks).toBeGreaterThanOrEqual(result.cpuTicks);
  });
});

describe("reading wrk's output", () => {
  // As wrk 4.1 prints it with --latency, plus replay.lua's closing line.
  const output = `Running 10s test @ http://127.0.0.1:8080/vk/payments
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.35ms    2.13ms    1.62s    87.50%
    Req/Sec    24.35k     1.23k   26.00k    78.00%
  Latency Distribution
     50%  613.00us
     75%    1.20ms
     90%    5.08ms
     99%    1.02s
  243567 requests in 10.00s, 40.00MB read
  Socket errors: connect 1, read 2, write 3, timeout 4
  Non-2xx or 3xx responses: 8
Requests/sec:  24356.70
Transfer/sec:      4.00MB
vkp-replay sent=243599 wraps=0 cpu_ticks=310 cpu_total=395
`;

  it('takes every figure in ms, whatever unit wrk chose', () => {
    expect(parseWrkOutput(output)).toEqual({
      rps: 24356.7,
      p50: 0.613,
      p99: 1020,
      answered: 243567,
      seconds: 10,
      non2xx: 8,
      socket: { connect: 1, read: 2, write: 3, timeout: 4 },
      sent: 243599,
      wraps: 0,
      cpuTicks: 310,
      cpuTotalTicks: 395,
    });
  });

  it('refuses output without the latency distribution or without replay.lua’s line, rather than print a wrong figure', () => {
    expect(() => parseWrkOutput(output.replace(/ {5}99%.*\n/, ''))).toThrow(/99th percentile/);
    expect(() => parseWrkOutput(output.replace(/vkp-replay.*\n/, ''))).toThrow(/replay\.lua/);
  });
});

describe("checking the server's records against what was sent", () => {
  const phases = [{ sent: 1_000, answered: 990, lines: 80_000 }];

  it('passes records that match: every notification logged, one order per distinct chargeable', () => {
    expect(checkRecords({ logRows: 995, errorRows: 0, orders: 500 }, phases)).toMatchObject({ errors: 0, problems: [] });
    // A request in flight at the stop may be missing.
    expect(checkRecords({ logRows: 990, errorRows: 0, orders: 490 }, phases)).toMatchObject({ errors: 0, problems: [] });
  });

  it('counts error answers, answered notifications without a log row, missing and doubled orders', () => {
    expect(checkRecords({ logRows: 1_000, errorRows: 3, orders: 500 }, phases).problems).toEqual([
      '3 notifications answered with a VK error',
    ]);
    expect(checkRecords({ logRows: 980, errorRows: 0, orders: 500 }, phases).problems).toEqual([
      '10 answered notifications without a log row',
    ]);
    expect(checkRecords({ logRows: 1_000, errorRows: 0, orders: 480 }, phases).problems).toEqual([
      '10 answered chargeable orders not recorded',
    ]);
    expect(checkRecords({ logRows: 1_000, errorRows: 0, orders: 501 }, phases).problems).toEqual([
      '1 more orders recorded than distinct chargeable orders sent',
    ]);
    expect(checkRecords({ logRows: 1_003, errorRows: 0, orders: 500 }, phases).errors).toBe(3);
  });

  it('expects no new orders from bodies replayed after the file wrapped around', () => {
    // 25 lines (13 chargeables) sent 4 times over.
    expect(checkRecords({ logRows: 100, errorRows: 0, orders: 13 }, [{ sent: 100, answered: 100, lines: 25 }])).toMatchObject({
      errors: 0,
    });
    expect(checkRecords({ logRows: 100, errorRows: 0, orders: 50 }, [{ sent: 100, answered: 100, lines: 25 }]).errors).toBe(37);
  });
});

describe(`a short load on our server (${DEFAULT_DIALECT}), checked as the bench checks it`, () => {
  async function loadOnce(secret: string): Promise<ReturnType<typeof checkRecords>> {
    const db = await freshDatabase(DEFAULT_DIALECT);
    cleanups.push(() => db.drop());
    const server = await startOurServer(databaseUrl(db.database), join(dir, `server-${secret.length}.log`));
    cleanups.push(() => server.stop());
    const file = join(dir, `load-${secret.length}.txt`);
    await writeBodies(file, 20_000, { app: APP, secret, firstOrderId: 7_000_000 });
    const result = await runWrk({ url: `${server.url}/vk/payments`, bodies: file, seconds: 1, connections: 4 });
    return checkRecords(await settledRecords(server.url), [{ sent: result.sent, answered: result.answered, lines: 20_000 }]);
  }

  it('finds every answer right when the bodies are signed with the app’s key', async () => {
    const check = await loadOnce(SECRET);
    expect(check.problems).toEqual([]);
    expect(check.summary).toMatch(/^[\d,]+ log rows for [\d,]+ sent/);
  });

  it('reports the error answers VK would get (HTTP 200 all the same) when the bodies are signed with another key', async () => {
    const check = await loadOnce('another-secret-entirely');
    expect(check.errors).toBeGreaterThan(0);
    expect(check.problems[0]).toMatch(/notifications answered with a VK error/);
  });
});
