/**
 * `vk-payments listen` on the server's side: the app's events for the game backend, live, over the
 * `fulfilmentEvents` subscription (fulfilment.resolver.ts), so a developer's game backend on a laptop
 * with no public URL receives them through the CLI, which posts each one to it.
 *
 * Events come from memory, after their payment committed (notifications/sql-store.ts): the same bytes
 * the outbox holds when the app has an endpoint (then its delivery goes on as usual: a listener never
 * counts as it), and built only for listening apps when it has none. Nothing is stored for a listener:
 * an event published while nobody listens, or on another instance, is not heard (the payments
 * themselves are recorded as always; `transactions` is the catch-up).
 *
 * Signing: the endpoint's signing secret never leaves the server. A listener that may see a new secret
 * anyway (MANAGE_ACCESS: it may rotate it) can ask for the server's own Standard Webhooks headers, made
 * over the server's own body with that secret: exactly what the endpoint gets. Anyone else's CLI signs
 * with a secret it holds (`--secret`, or a fresh one it prints).
 */
import type { LivePubSub } from '../logs/live.js';
import type { WebhookEvent } from '../notifications/outbox.js';
import type { StoreEvents } from '../notifications/sql-store.js';

export const EVENT_TOPIC = 'FULFILMENT_EVENT';

/** The store's hooks that publish events to this instance's listeners, and only build them when there are some. */
export function listenerFeed(pubSub: LivePubSub): Required<Pick<StoreEvents, 'listening' | 'event'>> {
  return {
    listening: (vkAppId) => pubSub.listenerCount(EVENT_TOPIC, vkAppId) > 0,
    event: (e: WebhookEvent) => pubSub.publish(EVENT_TOPIC, e.vkAppId, e),
  };
}
