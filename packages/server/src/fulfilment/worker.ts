/**
 * Sends queued events (notifications/outbox.ts) to the game backend: claims due deliveries, posts each signed per
 * Standard Webhooks, records every attempt, and schedules retries with growing waits until the backend
 * answers 2xx or the schedule runs out (then `failed`, to resend by hand). Every instance runs one;
 * a claim sets `locked_until` and re-checks it in the same UPDATE, so two instances never send one
 * delivery at once, and a crashed instance's claim expires and another one sends it (at least once:
 * the receiver dedupes on `webhook-id`). Deliveries live in the database, so they survive restarts.
 */
import { readDate, run as statement, type Sql } from '../db/sql.js';
import { COULD_NOT_CONNECT, OutboundError, type Outbound } from '../net/outbound.js';
import { SYNC_TIMEOUT_MS } from '../notifications/outbox.js';
import type { Secrets } from '../secrets/secrets.js';
import { signingSecretsAt } from './endpoint-secret.js';
import { webhookHeaders } from './signing.js';

export interface WorkerOptions {
  sql: Sql;
  /** Public addresses only, unless VKP_ALLOW_PRIVATE_URLS allows the game backend's (net/outbound.ts). */
  outbound: Outbound;
  /** Decrypts the endpoints' signing secrets (cached: not once per delivery). */
  secrets: Secrets;
  /** Waits after the 1st, 2nd… failed attempt; after the last one the delivery is failed. */
  retryDelaysMs: number[];
  /** How often it looks for due deliveries without being poked. */
  pollMs?: number;
  /** How long one attempt may take: the game backend should answer at once and grant asynchronously. */
  timeoutMs?: number;
  onError?: (err: unknown) => void;
  /** Told the outcome of every attempt (the metrics: observability/metrics.ts). */
  attempted?: (outcome: AttemptOutcome) => void;
}

/** What came of one attempt: delivered (2xx), retrying (another attempt is scheduled) or failed (retries exhausted). */
export type AttemptOutcome = 'delivered' | 'retrying' | 'failed';

export interface FulfilmentWorker {
  /** Look now (a payment just queued an event, or one was resent). */
  poke: () => void;
  /**
   * Sync mode: sends one event now, unless the game backend has it already; true once it has it, or when
   * there is no such event. Never longer than SYNC_TIMEOUT_MS (plus the database).
   */
  deliverNow(eventId: string): Promise<boolean>;
  stop(): Promise<void>;
}

const BATCH = 10;
/** A claim outlives the longest attempt; if the instance dies meanwhile, another takes over after it. */
const CLAIM_MS = 60_000;
export const ANSWER_KEPT = 2048;
/**
 * Attempt rows kept per delivery, the newest (as many as attemptLog shows): a delivery resent again and
 * again would otherwise grow the table without end. Its `attempts` column keeps the true count.
 */
export const ATTEMPTS_KEPT = 100;

const CLAIM = `update fulfilment_deliveries set locked_until = ?
  where id in (select id from fulfilment_deliveries where status = 'pending' and next_attempt_at <= ? and (locked_until is null or locked_until < ?) order by id limit ${BATCH})
    and status = 'pending' and (locked_until is null or locked_until < ?)
  returning id, app_id, event_id, payload, attempts`;
// Sync mode takes one event whatever its schedule (a failed one too: VK's retry is a reason to try again).
// It is due from now on, so if this attempt never records its outcome the worker takes it once the claim ends.
const CLAIM_ONE = `update fulfilment_deliveries set locked_until = ?, status = 'pending', next_attempt_at = ?
  where event_id = ? and status <> 'delivered' and (locked_until is null or locked_until < ?)
  returning id, app_id, event_id, payload, attempts`;
const STATUS_OF = 'select status from fulfilment_deliveries where event_id = ?';
const ENDPOINT =
  'select e.url, e.signing_secret, e.previous_signing_secret, e.previous_secret_expires_at, e.enabled, a.vk_app_id from fulfilment_endpoints e join apps a on a.id = e.app_id where e.app_id = ?';
const POSTPONE = 'update fulfilment_deliveries set locked_until = null, next_attempt_at = ? where id = ?';
const ATTEMPT =
  'insert into fulfilment_attempts (delivery_id, attempted_at, http_status, response_body, error, duration_ms) values (?, ?, ?, ?, ?, ?)';
// Everything from the (ATTEMPTS_KEPT + 1)th newest down; nothing while there are fewer (the bound is null).
const TRIM = `delete from fulfilment_attempts where delivery_id = ? and id <= (
  select id from fulfilment_attempts where delivery_id = ? order by id desc limit 1 offset ${ATTEMPTS_KEPT})`;
const DELIVERED =
  "update fulfilment_deliveries set status = 'delivered', attempts = attempts + 1, delivered_at = ?, next_attempt_at = null, locked_until = null where id = ?";
const RETRY = 'update fulfilment_deliveries set status = ?, attempts = attempts + 1, next_attempt_at = ?, locked_until = null where id = ?';

interface Outcome {
  ok: boolean;
  status: number | null;
  body: string | null;
  error: string | null;
  ms: number;
}

async function post(outbound: Outbound, url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await outbound.post(url, {
      headers: { 'content-type': 'application/json', 'user-agent': 'vk-payments-fulfilment', ...headers },
      body,
      timeoutMs,
      maxBytes: ANSWER_KEPT,
    });
    return { ok: res.status >= 200 && res.status < 300, status: res.status, body: res.text, error: null, ms: performance.now() - started };
  } catch (err) {
    // One message for every connection that gave no HTTP answer (outbound.ts), or why it was refused.
    const error = err instanceof OutboundError ? err.message : COULD_NOT_CONNECT;
    return { ok: false, status: null, body: null, error, ms: performance.now() - started };
  }
}

export function startFulfilmentWorker({
  sql,
  outbound,
  secrets,
  retryDelaysMs,
  pollMs = 1_000,
  timeoutMs = 10_000,
  onError = () => {},
  attempted = () => {},
}: WorkerOptions): FulfilmentWorker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  // Runs from timers: a failure of the reporter itself must not become an unhandled rejection either.
  const report = (err: unknown): void => {
    try {
      onError(err);
    } catch {
      // nothing left to tell
    }
  };

  /** One attempt at a claimed delivery; true when the game backend answered 2xx. */
  async function deliver(row: Record<string, unknown>, attemptTimeoutMs = timeoutMs): Promise<boolean> {
    const id = Number(row.id);
    const endpoint = await sql.one(ENDPOINT, [Number(row.app_id)]);
    const now = new Date();
    if (!endpoint || !(endpoint.enabled === true || endpoint.enabled === 1)) {
      // Switched off (or removed) after the event was queued: keep it until the operator decides.
      await sql.run(POSTPONE, [new Date(now.getTime() + 60_000), id]);
      return false;
    }
    const body = typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload);
    // A secret this server cannot decrypt throws: logged (onError), the claim expires, and the event is
    // tried again later — by this instance once it has the key, or by another that has it.
    // During a rotation's overlap both secrets sign (the current one first), decided now: no job ends it.
    const signWith = signingSecretsAt(
      secrets,
      Number(endpoint.vk_app_id),
      {
        sealedSigningSecret: String(endpoint.signing_secret),
        sealedPreviousSigningSecret: typeof endpoint.previous_signing_secret === 'string' ? endpoint.previous_signing_secret : null,
        previousSecretExpiresAt: readDate(endpoint.previous_secret_expires_at),
      },
      now,
    );
    const headers = webhookHeaders(signWith, String(row.event_id), body, now);
    const outcome = await post(outbound, String(endpoint.url), { ...headers }, body, attemptTimeoutMs);
    const attempt = Number(row.attempts) + 1;
    const wait = retryDelaysMs[attempt - 1];
    await sql.transaction(function* () {
      yield statement(ATTEMPT, [id, now, outcome.status, outcome.body, outcome.error, outcome.ms]);
      yield statement(TRIM, [id, id]);
      if (outcome.ok) yield statement(DELIVERED, [new Date(), id]);
      else if (wait === undefined) yield statement(RETRY, ['failed', null, id]);
      else yield statement(RETRY, ['pending', new Date(Date.now() + wait), id]);
    });
    try {
      attempted(outcome.ok ? 'delivered' : wait === undefined ? 'failed' : 'retrying');
    } catch (err) {
      report(err);
    }
    return outcome.ok;
  }

  async function deliverNow(eventId: string): Promise<boolean> {
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    for (;;) {
      const now = new Date();
      const [claimed] = await sql.all(CLAIM_ONE, [new Date(now.getTime() + CLAIM_MS), now, eventId, now]);
      if (claimed) return deliver(claimed, Math.max(1, deadline - Date.now()));
      const status = (await sql.one(STATUS_OF, [eventId]))?.status;
      if (status === undefined || status === 'delivered') return true; // nothing to wait for, or done
      // Another attempt (the worker, another instance) holds it: wait for its outcome, within the deadline.
      if (Date.now() + 100 > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function cycle(): Promise<void> {
    do {
      again = false;
      const now = new Date();
      const claimed = await sql.all(CLAIM, [new Date(now.getTime() + CLAIM_MS), now, now, now]);
      await Promise.all(claimed.map((row) => deliver(row).catch(report)));
      if (claimed.length === BATCH) again = true; // more may be due
    } while (again && !stopped);
  }

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = cycle()
      .catch(report)
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(run, pollMs);
      });
  }

  timer = setTimeout(run, 0);
  return {
    poke: run,
    deliverNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
