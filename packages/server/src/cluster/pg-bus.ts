/**
 * The bus between instances on one PostgreSQL: a dedicated connection (not one of the pool's, which
 * would lose the LISTEN when it is handed back) LISTENs on BUS_CHANNEL. Changes to what the caches hold
 * are announced by triggers in the writer's own transaction (migration BusTriggers), so no code path —
 * GraphQL, the CLI in another process, hand-written SQL — can forget to tell; the instance sends the rest
 * (log rows committed, fulfilment due) with pg_notify on the same connection, all that piled up meanwhile
 * in one statement: one commit, so one pass through NOTIFY's global lock, per round trip.
 *
 * A lost connection (the server restarted it, a network cut, or a heartbeat that got no answer) is
 * reconnected with growing waits; until it listens again `upToDate()` is false and the caches read the
 * database, and once it listens it tells its listeners that anything may have changed (events sent
 * meanwhile are gone). A connection can also die silently (TCP notices late): it is asked `select 1`
 * every second, given up when the answer is late, and from ~1.5 s without a word on it `upToDate()` is
 * false already (PG_BUS_TIMEOUTS). A bus failure is logged, never thrown: the endpoint works without the bus.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PG_BUS_TIMEOUTS } from '../db/connection-settings.js';
import { listenerSet, SETTLE_MS, type Bus } from './bus.js';
import { ANYTHING_CHANGED, BUS_CHANNEL, decode, encode, loggedHead, type LoggedRow } from './events.js';

export interface PgBusOptions {
  url: string;
  onError: (err: unknown, what: string) => void;
  /** The first wait before reconnecting; it doubles up to `maxReconnectMs`. */
  reconnectMs?: number;
  maxReconnectMs?: number;
  /** How often an idle connection is asked `select 1`, so a silently dead one is found. */
  heartbeatMs?: number;
  /** How long the connection may stay silent (no answer, no event) before the caches are bypassed. */
  staleMs?: number;
}

/** How the bus's connection shows in pg_stat_activity. */
export const BUS_APPLICATION_NAME = 'vk-payments bus';

/** Log rows kept to send while the connection is away; past this the oldest are dropped (the live log is best effort). */
const MAX_PENDING_ROWS = 20_000;

const SEND = 'select pg_notify($1, p) from json_array_elements_text($2::json) as p';

const waitAtMost = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export function createPgBus({
  url,
  onError,
  reconnectMs = 100,
  maxReconnectMs = 5_000,
  heartbeatMs = PG_BUS_TIMEOUTS.heartbeatMs,
  staleMs = PG_BUS_TIMEOUTS.staleMs,
}: PgBusOptions): Bus {
  const origin = randomBytes(4).toString('hex');
  const [ownDue] = encode({ type: 'due', origin });
  const ownLogged = loggedHead(origin);
  // settle(): a marker of this instance's own, numbered; NOTIFY delivers in commit order.
  const syncHead = `{"t":"sync","o":${JSON.stringify(origin)},"n":`;
  let syncs = 0;
  const settling = new Map<number, () => void>();
  const listeners = listenerSet(onError);
  let client: pg.Client | null = null;
  let live = false;
  /** When the connection last showed it is alive (an answer or an event): a dead one may look live to TCP for many seconds. */
  let heardAt = 0;
  /** The connection a heartbeat is out on (a given-up connection's may never come back). */
  let beating: pg.Client | null = null;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  let pendingRows: LoggedRow[] = [];
  let pendingDue = false;
  let scheduled = false;
  let sending: Promise<void> | null = null;

  function connect(): void {
    if (closed) return;
    const c = new pg.Client({
      connectionString: url,
      application_name: BUS_APPLICATION_NAME,
      connectionTimeoutMillis: PG_BUS_TIMEOUTS.connectMs,
      query_timeout: PG_BUS_TIMEOUTS.queryMs,
      keepAlive: true,
    });
    client = c;
    c.on('notification', (msg) => {
      if (c !== client) return;
      heardAt = Date.now();
      if (msg.channel !== BUS_CHANNEL || !msg.payload) return;
      // NOTIFY reaches the sender too; its own events are nobody's news here (skipped before parsing).
      if (msg.payload.startsWith(ownLogged) || msg.payload === ownDue) return;
      if (msg.payload.startsWith(syncHead)) {
        settling.get(Number(msg.payload.slice(syncHead.length, -1)))?.();
        return;
      }
      const event = decode(msg.payload);
      if (event) listeners.emit(event);
    });
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c, new Error('the connection ended')));
    c.connect()
      .then(() => c.query(`listen ${BUS_CHANNEL}`))
      .then(() => {
        if (c !== client || closed) return;
        live = true;
        heardAt = Date.now();
        failures = 0;
        // Whatever was committed before this LISTEN is in the database; what is cached may predate it.
        listeners.emit(ANYTHING_CHANGED);
        schedule();
      })
      .catch((err: unknown) => lost(c, err));
  }

  function lost(c: pg.Client, err: unknown): void {
    if (c !== client) return; // this connection was given up already
    client = null;
    const wasLive = live;
    live = false;
    // Nothing is served from cache until it listens again: nobody needs to wait for a marker.
    for (const done of [...settling.values()]) done();
    // 'error' stays handled after this (a late socket error must not throw); its end is not awaited.
    c.end().catch(() => undefined);
    if (closed) return;
    if (wasLive || failures === 0) onError(err, 'the cluster bus lost its LISTEN connection: caches are bypassed until it listens again');
    const wait = Math.min(maxReconnectMs, reconnectMs * 2 ** failures++);
    retry = setTimeout(connect, wait * (0.75 + Math.random() / 2)); // jitter: instances do not reconnect in step
    retry.unref();
  }

  function schedule(): void {
    if (scheduled || closed) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (!sending) sending = send().finally(() => (sending = null));
    });
  }

  /** Sends everything pending in one statement; more that piles up meanwhile goes in the next one. */
  async function send(): Promise<void> {
    for (;;) {
      const c = client;
      if (!c || !live || (!pendingRows.length && !pendingDue)) return; // kept until it listens again
      const payloads = [
        ...(pendingRows.length ? encode({ type: 'logged', origin, rows: pendingRows }) : []),
        ...(pendingDue ? encode({ type: 'due', origin }) : []),
      ];
      pendingRows = [];
      pendingDue = false;
      try {
        await c.query(SEND, [BUS_CHANNEL, JSON.stringify(payloads)]);
        heardAt = Date.now();
      } catch (err) {
        onError(err, 'the cluster bus could not send its events');
        lost(c, err);
        return;
      }
    }
  }

  const heartbeat = setInterval(() => {
    const c = client;
    if (!c || !live || sending || beating === c) return;
    beating = c;
    // A connection that does not answer in time is given up (lost() ends it), not waited for.
    const late = setTimeout(
      () => lost(c, new Error(`no answer to the heartbeat within ${PG_BUS_TIMEOUTS.heartbeatAnswerMs} ms`)),
      PG_BUS_TIMEOUTS.heartbeatAnswerMs,
    );
    late.unref();
    c.query('select 1')
      .then(
        () => void (c === client && (heardAt = Date.now())),
        (err: unknown) => lost(c, err),
      )
      .finally(() => {
        clearTimeout(late);
        if (beating === c) beating = null;
      });
  }, heartbeatMs);
  heartbeat.unref();

  connect();

  return {
    origin,
    get connected() {
      return live;
    },
    publish(event) {
      if (closed) return;
      if (event.type === 'due') pendingDue = true;
      else {
        pendingRows.push(...event.rows);
        if (pendingRows.length > MAX_PENDING_ROWS) pendingRows = pendingRows.slice(-MAX_PENDING_ROWS);
      }
      schedule();
    },
    subscribe: listeners.add,
    // Live, and heard from lately: the heartbeat's answers keep an idle connection fresh.
    upToDate: () => Promise.resolve(live && Date.now() - heardAt <= staleMs),
    settle() {
      const c = client;
      if (!c || !live) return Promise.resolve(); // the caches are bypassed meanwhile
      const n = ++syncs;
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => done(), SETTLE_MS);
        const done = (): void => {
          clearTimeout(timer);
          settling.delete(n);
          resolve();
        };
        settling.set(n, done);
        c.query('select pg_notify($1, $2)', [BUS_CHANNEL, `${syncHead}${n}}`]).catch(done);
      });
    },
    async close() {
      if (closed) return;
      // What this instance committed last still reaches the others, unless the database stopped answering.
      const last = live && (pendingRows.length || pendingDue) ? (sending ?? send()) : sending;
      if (last) await Promise.race([last, waitAtMost(SETTLE_MS)]);
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(retry);
      const c = client;
      client = null;
      live = false;
      for (const done of [...settling.values()]) done();
      // A connection to a database that stopped answering must not hold the shutdown.
      if (c) await Promise.race([c.end().catch(() => undefined), waitAtMost(SETTLE_MS)]);
    },
  };
}
