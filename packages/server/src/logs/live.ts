/**
 * The live tail of the notification log (`notificationLogged`), across instances. The instance that
 * wrote a row publishes it to its own subscribers from memory after the commit, and tells the others on
 * the cluster bus: one event per commit, carrying the rows' ids and apps (cluster/events.ts). Another
 * instance reads rows by id only for apps somebody there is watching, and publishes them to its own
 * subscribers: a subscriber sees the notifications every instance received (README "Running several instances").
 */
import { EventEmitter, on } from 'node:events';
import type { PubSub } from 'type-graphql';
import type { Bus } from '../cluster/bus.js';
import type { LogEntry } from '../notifications/handle.js';
import type { LoggedEntry } from '../notifications/sql-store.js';

export const LOG_TOPIC = 'NOTIFICATION_LOGGED';

/** type-graphql's PubSub over an EventEmitter: `subscribe(topic, id)` listens to `topic:id`. */
export type LivePubSub = PubSub & { listenerCount(topic: string, id: unknown): number };

export function createPubSub(): LivePubSub {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0); // one per open subscription
  // Routing ids are app ids: 123 and '123' route alike.
  const key = (topic: string, id: unknown): string =>
    id === undefined ? topic : `${topic}:${typeof id === 'number' || typeof id === 'string' ? String(id) : JSON.stringify(id)}`;
  return {
    publish(routingKey: string, ...args: unknown[]): void {
      const [id, payload] = args.length > 1 ? args : [undefined, args[0]];
      emitter.emit(key(routingKey, id), payload);
    },
    async *subscribe(routingKey: string, dynamicId?: unknown): AsyncIterable<unknown> {
      // `on` yields argument arrays; returning the iterator (client unsubscribes) removes the listener.
      for await (const [payload] of on(emitter, key(routingKey, dynamicId))) yield payload;
    },
    listenerCount: (topic, id) => emitter.listenerCount(key(topic, id)),
  };
}

/**
 * What is published: the row as written, with its id (no read back from the database). A plain
 * object: the endpoint publishes without loading the entities; the subscription resolver makes it a
 * NotificationLog.
 */
export interface LoggedRow extends LogEntry {
  id: number;
}

export interface LiveLogOptions {
  pubSub: LivePubSub;
  bus: Bus;
  /** Committed rows by id: the rows other instances wrote (the API's entities; published as they are). */
  read: (ids: number[]) => Promise<Array<{ id: number; vkAppId: number | null }>>;
  onError: (err: unknown, what: string) => void;
}

export interface LiveLog {
  /** The store's hook (StoreEvents.logged): rows this instance just committed. Never throws. */
  logged: (rows: ReadonlyArray<LoggedEntry>) => void;
  stop(): void;
}

export function createLiveLog({ pubSub, bus, read, onError }: LiveLogOptions): LiveLog {
  // Most notifications have no audience: a row is built, or read, only when somebody watches its app.
  const watched = (vkAppId: number): boolean => pubSub.listenerCount(LOG_TOPIC, vkAppId) > 0;

  const stop = bus.subscribe((event) => {
    if (event.type !== 'logged' || event.origin === bus.origin) return;
    const ids = event.rows.filter((r) => watched(r.vkAppId)).map((r) => r.id);
    if (!ids.length) return;
    read(ids).then(
      (rows) => {
        for (const row of rows.sort((a, b) => a.id - b.id)) if (row.vkAppId !== null) pubSub.publish(LOG_TOPIC, row.vkAppId, row);
      },
      (err: unknown) => onError(err, "could not read other instances' log rows for the live log"),
    );
  });

  return {
    logged(rows) {
      try {
        // Rows of no app of ours have no subscribers anywhere (the subscription names an app).
        const ours = rows.filter(
          (r): r is LoggedEntry & { entry: { vkAppId: number } } => r.entry.appId !== null && r.entry.vkAppId !== null,
        );
        if (!ours.length) return;
        for (const { id, entry } of ours)
          if (watched(entry.vkAppId)) pubSub.publish(LOG_TOPIC, entry.vkAppId, { ...entry, id } satisfies LoggedRow);
        bus.publish({ type: 'logged', rows: ours.map(({ id, entry }) => ({ id, vkAppId: entry.vkAppId })) });
      } catch (err) {
        onError(err, 'could not publish log rows to the live log');
      }
    },
    stop,
  };
}
