/**
 * The bench's load generator: Debian's `wrk` (C, event loop), one thread, replaying a bodies file
 * (bodies.mjs) through replay.lua, and the reading of what it prints.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPLAY = fileURLToPath(new URL('replay.lua', import.meta.url));
const ENSURE_WRK = fileURLToPath(new URL('../../../scripts/ensure-wrk.sh', import.meta.url));

/** Installs wrk when missing (as root; otherwise exits with the command to run), and returns its version. */
export function ensureWrk() {
  const ensured = spawnSync('bash', [ENSURE_WRK], { stdio: 'inherit' });
  if (ensured.status !== 0) process.exit(1);
  // `wrk -v` prints its version line and the usage, and exits 1.
  const version = /wrk (\S+)/.exec(spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout ?? '');
  return version?.[1] ?? 'unknown version';
}

/**
 * @typedef {object} WrkResult
 * @property {number} rps          requests answered per second
 * @property {number} p50          latency, ms
 * @property {number} p99          latency, ms
 * @property {number} answered     requests answered (any status)
 * @property {number} seconds      how long wrk ran
 * @property {number} non2xx       answers with a status ≥ 400 (wrk's "Non-2xx or 3xx")
 * @property {{ connect: number, read: number, write: number, timeout: number }} socket
 * @property {number} sent         requests sent (answered, plus those in flight when wrk stopped)
 * @property {number} wraps        times the bodies file ran out and started again
 * @property {number} cpuTicks     wrk's own CPU time during the run, in clock ticks
 * @property {number} cpuTotalTicks  its CPU time since it started (loading the bodies included)
 */

const UNIT_MS = { us: 0.001, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** wrk's durations ("850.00us", "1.23ms", "10.00s") in ms. */
function ms(text) {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`wrk printed a duration the bench cannot read: ${text}`);
  return Number(m[1]) * UNIT_MS[/** @type {keyof typeof UNIT_MS} */ (m[2])];
}

/**
 * Reads wrk's `--latency` output and replay.lua's closing line.
 * @param {string} out
 * @returns {WrkResult}
 */
export function parseWrkOutput(out) {
  const need = (re, what) => {
    const m = re.exec(out);
    if (!m) throw new Error(`wrk's output lacks ${what}:\n${out}`);
    return m;
  };
  const percentile = (p) => ms(need(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm'), `the ${p}th percentile (run with --latency)`)[1]);
  const total = need(/(\d+) requests in (\S+),/, 'the request count');
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const replay = need(/^vkp-replay sent=(\d+) wraps=(\d+) cpu_ticks=(\d+) cpu_total=(\d+)$/m, "replay.lua's closing line");
  return {
    rps: Number(need(/^Requests\/sec:\s+([\d.]+)/m, 'Requests/sec')[1]),
    p50: percentile(50),
    p99: percentile(99),
    answered: Number(total[1]),
    seconds: ms(total[2]) / 1000,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    socket: {
      connect: Number(socket?.[1] ?? 0),
      read: Number(socket?.[2] ?? 0),
      write: Number(socket?.[3] ?? 0),
      timeout: Number(socket?.[4] ?? 0),
    },
    sent: Number(replay[1]),
    wraps: Number(replay[2]),
    cpuTicks: Number(replay[3]),
    cpuTotalTicks: Number(replay[4]),
  };
}

/**
 * Runs wrk against `url` for `seconds` with one thread and `connections` connections, replaying
 * `bodies`. Its timeout is VK's: an answer later than 10 s is a failure to VK (docs/protocol.md §1), and wrk
 * counts it as a socket timeout.
 * @param {{ url: string, bodies: string, seconds: number, connections: number }} o
 * @returns {Promise<WrkResult>}
 */
export function runWrk({ url, bodies, seconds, connections }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s', '-s', REPLAY, url, '--', bodies];
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${out}`));
      try {
        resolve(parseWrkOutput(out));
      } catch (err) {
        reject(err);
      }
    });
  });
}
