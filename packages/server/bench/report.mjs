/**
 * How the bench prints: the throughput table (one per run, then the medians), and target lines that say
 * met or MISSED with the figure. Targets are printed, never asserted, and never loosened here.
 */

/** @param {number[]} xs */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** @param {number} n @param {number} [digits] */
export const fmt = (n, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';

/** @param {boolean} ok */
export const verdict = (ok) => (ok ? 'met' : 'MISSED');

/**
 * One measured target in one run.
 * @typedef {object} Row
 * @property {number} rps
 * @property {number} p50          ms
 * @property {number} p99          ms
 * @property {number} ratio        rps ÷ the same run's ceiling
 * @property {number} errors       non-2xx + socket errors + wrong records (verify.mjs)
 * @property {number} cpuMsPerReq  the server processes' CPU during the load ÷ requests answered
 * @property {number} serverCores  the server processes' CPU during the load ÷ its duration
 * @property {number} rssMb        the largest server process's RSS at the end of the load
 * @property {number} wrkCores     wrk's own CPU during the load ÷ its duration
 * @property {number} wrkMsPerReq  wrk's own CPU during the load ÷ requests answered
 * @property {number} restCores    the rest of the machine (PostgreSQL, HAProxy, other users) during the load
 */

const COLUMNS = [
  ['req/s', 8, (r) => fmt(r.rps)],
  ['p50 ms', 8, (r) => fmt(r.p50, 1)],
  ['p99 ms', 8, (r) => fmt(r.p99, 1)],
  ['÷ ceiling', 10, (r) => fmt(r.ratio, 2)],
  ['errors', 7, (r) => fmt(r.errors)],
  ['CPU ms/req', 11, (r) => fmt(r.cpuMsPerReq, 3)],
  ['server cores', 13, (r) => fmt(r.serverCores, 2)],
  ['RSS MB', 7, (r) => fmt(r.rssMb)],
  ['wrk cores', 10, (r) => fmt(r.wrkCores, 2)],
  ['rest cores', 11, (r) => fmt(r.restCores, 2)],
];

/**
 * @param {string} title
 * @param {[string, Row][]} rows
 */
export function printTable(title, rows) {
  console.log(`\n${title}`);
  console.log(['target'.padEnd(40), ...COLUMNS.map(([name, width]) => name.padStart(width))].join(' '));
  for (const [name, row] of rows) console.log([name.padEnd(40), ...COLUMNS.map(([, width, cell]) => cell(row).padStart(width))].join(' '));
}

/**
 * The medians of each figure over the runs; errors are summed, so one bad run shows.
 * @param {Row[]} rows
 * @returns {Row}
 */
export function medianRow(rows) {
  const m = (key) => median(rows.map((r) => r[key]));
  return {
    rps: m('rps'),
    p50: m('p50'),
    p99: m('p99'),
    ratio: m('ratio'),
    errors: rows.reduce((n, r) => n + r.errors, 0),
    cpuMsPerReq: m('cpuMsPerReq'),
    serverCores: m('serverCores'),
    rssMb: m('rssMb'),
    wrkCores: m('wrkCores'),
    wrkMsPerReq: m('wrkMsPerReq'),
    restCores: m('restCores'),
  };
}

/**
 * @param {string} what     the target, as the issue states it
 * @param {string} figure   what was measured
 * @param {boolean} ok
 */
export const printTarget = (what, figure, ok) => console.log(`target ${what}: ${figure} — ${verdict(ok)}`);
