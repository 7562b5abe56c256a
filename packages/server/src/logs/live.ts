/**
 * The live tail of the notification log (`notificationLogged`): every row written by the endpoint is
 * published in this process after its commit. Several instances behind one database each publish their
 * own rows; a subscriber sees the rows of the instance it is connected to (DESIGN.md §6).
 */
import { EventEmitter, on } from 'node:events';
import type { PubSub } from 'type-graphql';
import type { LogEntry } from './logs.service.js';
import type { EndpointStore } from '../notifications/sql-store.js';

export const LOG_TOPIC = 'NOTIFICATION_LOGGED';

/** type-graphql's PubSub over an EventEmitter: `subscribe(topic, id)` listens to `topic:id`. */
export type LivePubSub = PubSub & { listenerCount(topic: string, id: unknown): number };

export function createPubSub(): LivePubSub {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0); // one per open subscription
  const key = (topic: string, id: unknown): string => (id === undefined ? topic : `${topic}:${String(id)}`);
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

/** Wraps the store so every log row written is also published under its app's vkAppId. */
export function publishingLogs(store: EndpointStore, pubSub: LivePubSub): EndpointStore {
  return {
    ...store,
    async writeLog(entry) {
      const id = await store.writeLog(entry);
      // The row is built only when somebody watches this app: most notifications have no audience.
      if (entry.appId !== null && entry.vkAppId !== null && pubSub.listenerCount(LOG_TOPIC, entry.vkAppId) > 0) {
        pubSub.publish(LOG_TOPIC, entry.vkAppId, { ...entry, id } satisfies LoggedRow);
      }
      return id;
    },
  };
}
