/**
 * The bus on SQLite, which serves one instance: events go round in-process. Changes are found without
 * triggers: SQLite's `pragma data_version`, read on the endpoint's own connection, moves whenever ANY
 * other connection commits to the file — the ORM's in this process (GraphQL), or another process (the
 * `vk-payments` CLI, hand-written SQL) — and never for this connection's own writes (orders, log rows).
 * When it moved, ANYTHING_CHANGED goes to the listeners before a cached answer is used, and a timer looks
 * every `pollMs` so that a revocation ends live sockets without waiting for a notification.
 * data_version counts per connection, and the endpoint's connection is replaced after a failure (db/sql.ts):
 * a number read on a new connection cannot be compared with the last one's, so a new connection counts
 * as a change (a commit may have fallen between the two).
 */
import { randomBytes } from 'node:crypto';
import type { Sql } from '../db/sql.js';
import { listenerSet, type Bus } from './bus.js';
import { ANYTHING_CHANGED } from './events.js';

export interface LocalBusOptions {
  /** The endpoint's connection (db/sql.ts): another connection's data_version would also move for the endpoint's own writes. */
  sql: Pick<Sql, 'one' | 'connections'>;
  pollMs?: number;
  onError: (err: unknown, what: string) => void;
}

export const DATA_VERSION_POLL_MS = 250;

export function createLocalBus({ sql, pollMs = DATA_VERSION_POLL_MS, onError }: LocalBusOptions): Bus {
  const origin = randomBytes(4).toString('hex');
  const listeners = listenerSet(onError);
  let seen: number | undefined;
  /** Which of the endpoint's connections `seen` was read on. */
  let seenOn: number | undefined;
  let closed = false;

  async function upToDate(): Promise<boolean> {
    if (closed) return false;
    const before = sql.connections;
    let version: number;
    try {
      version = Number((await sql.one('pragma data_version'))?.data_version);
    } catch {
      return false; // the read that follows meets the same fault and reports it
    }
    const on = sql.connections;
    // Read on which connection? Unknown if it was replaced meanwhile: then no baseline, and tell anyway.
    const known = before === on;
    if (seen !== undefined && (!known || on !== seenOn || version !== seen)) listeners.emit(ANYTHING_CHANGED);
    seen = version;
    seenOn = known ? on : undefined;
    return true;
  }

  const poll = setInterval(() => void upToDate(), pollMs);
  poll.unref();

  return {
    origin,
    connected: true,
    // SQLite serves one instance, and receivers skip their own events: nobody is left to tell.
    publish() {},
    subscribe: listeners.add,
    upToDate,
    // The next read looks at data_version first.
    settle: () => Promise.resolve(),
    close() {
      closed = true;
      clearInterval(poll);
      return Promise.resolve();
    },
  };
}
