/**
 * What this instance does when the bus speaks (the caches and the live log subscribe on their own): a
 * revocation anywhere looks the tokens of the open sockets up now, and a payment queued on another
 * instance wakes this one's fulfilment worker too (claims keep a delivery to one sender: fulfilment/worker.ts).
 */
import type { Bus } from './bus.js';
import { ACCESS_TABLES } from './events.js';

export interface Followers {
  /** Fulfilment worker: look for due deliveries now. */
  poke(): void;
  /** Live sockets: look their tokens up again now. */
  recheckSockets(): void;
}

export function followCluster(bus: Bus, to: Followers): () => void {
  return bus.subscribe((event) => {
    if (event.type === 'due') {
      if (event.origin !== bus.origin) to.poke();
    } else if (event.type === 'changed') {
      if (event.table === null || ACCESS_TABLES.has(event.table)) to.recheckSockets();
      // After a gap a "due" may have been missed (the worker's own polling would find it later).
      if (event.table === null) to.poke();
    }
  });
}
