/**
 * One interface for cluster-wide events (events.ts), two implementations: PostgreSQL LISTEN/NOTIFY
 * between instances (pg-bus.ts), and in-process on SQLite, which runs one instance (local-bus.ts).
 * No broker: the database we already run carries them (README "Running several instances").
 *
 * NOTIFY has no acknowledgement and a lost connection loses what was sent meanwhile, so a bus says
 * whether this instance may trust what it has cached (`upToDate`), and after a gap it tells its
 * listeners that anything may have changed (ANYTHING_CHANGED).
 */
import type { BusEvent, LoggedRow } from './events.js';

/** The longest `settle()` waits: a bus that does not answer must not hold a mutation's answer. */
export const SETTLE_MS = 1_000;

export type BusListener = (event: BusEvent) => void;

/** Events this instance sends; `origin` is filled in by the bus. */
export type OutgoingEvent = { type: 'logged'; rows: LoggedRow[] } | { type: 'due' };

export interface Bus {
  /** Tells the other instances (receivers skip their own `origin`). Never throws; what one event-loop turn sends goes together. */
  publish(event: OutgoingEvent): void;
  subscribe(listener: BusListener): () => void;
  /** This instance's id in the events it sends. */
  readonly origin: string;
  /**
   * Whether every change committed so far has reached this instance, so what is cached may be used.
   * False while the PostgreSQL bus is not listening: read the database. On SQLite it checks whether
   * another connection committed since it last looked (and if so tells the listeners first).
   */
  upToDate(): Promise<boolean>;
  /**
   * Resolves once every change committed before the call has reached this instance's listeners, so a
   * request after a mutation reads that mutation's effect here (PostgreSQL: a NOTIFY of its own comes
   * back, behind everything committed earlier; at most SETTLE_MS). In-process: at once.
   */
  settle(): Promise<void>;
  /** For metrics: listening now (always true in-process). */
  readonly connected: boolean;
  close(): Promise<void>;
}

/** The listeners of a bus: each is called alone, so a failing one neither stops the others nor the bus. */
export function listenerSet(onError: (err: unknown, what: string) => void): {
  add: (l: BusListener) => () => void;
  emit: (e: BusEvent) => void;
} {
  const listeners = new Set<BusListener>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (err) {
          onError(err, `a listener of the cluster bus failed on a "${event.type}" event`);
        }
      }
    },
  };
}
