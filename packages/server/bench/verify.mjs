/**
 * Were the answers right? wrk never reads them (replay.lua has no response callback, to stay cheap), and
 * VK's error answers come with HTTP 200 anyway. So after the load the bench compares what the server
 * recorded with what was sent: a log row for every notification, none with an error code, and exactly
 * one order for every distinct chargeable order sent — never two.
 */
import { gql } from './api.mjs';
import { APP } from './targets.mjs';
import { distinctOrders } from './bodies.mjs';

/**
 * @typedef {object} Records
 * @property {number} logRows    notification log rows of the bench's app
 * @property {number} errorRows  those of them answered with a VK error
 * @property {number} orders     transactions recorded
 */

/** @returns {Promise<Records>} */
async function count(url) {
  const data = await gql(
    url,
    `{ all: notificationLogs(vkAppId: ${APP}, first: 1) { totalCount }
       failed: notificationLogs(vkAppId: ${APP}, filter: {ok: false}, first: 1) { totalCount }
       transactions(vkAppId: ${APP}, first: 1) { totalCount } }`,
  );
  const total = (key) => /** @type {{ totalCount: number }} */ (data[key]).totalCount;
  return { logRows: total('all'), errorRows: total('failed'), orders: total('transactions') };
}

/**
 * The server's records once the requests still in flight when wrk stopped are done: counted until two
 * counts 300 ms apart agree (at most ~10 s).
 * @param {string} url
 * @returns {Promise<Records>}
 */
export async function settledRecords(url) {
  let last = await count(url);
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const now = await count(url);
    if (now.logRows === last.logRows && now.orders === last.orders) return now;
    last = now;
  }
  return last;
}

/**
 * @typedef {object} Phase  one wrk run over one bodies file
 * @property {number} sent      requests wrk sent
 * @property {number} answered  answers it received
 * @property {number} lines     lines in the bodies file it replayed
 */

/**
 * Compares the records with the phases that made them. The requests sent but not answered (in flight
 * when wrk stopped, or timed out) may or may not have been recorded; every answered one must have been.
 * @param {Records} records
 * @param {Phase[]} phases
 * @returns {{ errors: number, problems: string[], summary: string }}
 */
export function checkRecords(records, phases) {
  const sum = (f) => phases.reduce((n, p) => n + f(p), 0);
  const sent = sum((p) => p.sent);
  const answered = sum((p) => p.answered);
  const unanswered = sent - answered;
  const ordersSent = sum((p) => distinctOrders(p.sent, p.lines));
  const fmt = (n) => n.toLocaleString('en');
  const problems = [];
  let errors = 0;
  if (records.errorRows > 0) {
    problems.push(`${fmt(records.errorRows)} notifications answered with a VK error`);
    errors += records.errorRows;
  }
  if (records.logRows < answered) {
    problems.push(`${fmt(answered - records.logRows)} answered notifications without a log row`);
    errors += answered - records.logRows;
  }
  if (records.logRows > sent) {
    problems.push(`${fmt(records.logRows - sent)} more log rows than notifications sent`);
    errors += records.logRows - sent;
  }
  if (records.orders > ordersSent) {
    problems.push(`${fmt(records.orders - ordersSent)} more orders recorded than distinct chargeable orders sent`);
    errors += records.orders - ordersSent;
  }
  if (records.orders < ordersSent - unanswered) {
    problems.push(`${fmt(ordersSent - unanswered - records.orders)} answered chargeable orders not recorded`);
    errors += ordersSent - unanswered - records.orders;
  }
  const summary = `${fmt(records.logRows)} log rows for ${fmt(sent)} sent (${fmt(answered)} answered), ${fmt(records.errorRows)} errors; ${fmt(records.orders)} orders for ${fmt(ordersSent)} distinct chargeables sent`;
  return { errors, problems, summary };
}
