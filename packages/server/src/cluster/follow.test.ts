import { describe, expect, it } from 'vitest';
import { listenerSet, type Bus } from './bus.js';
import type { BusEvent } from './events.js';
import { followCluster } from './follow.js';

/** A bus whose events the test emits by hand (the wiring's subject is what it does with them). */
function handBus(): Bus & { emit(e: BusEvent): void } {
  const listeners = listenerSet(() => undefined);
  return {
    origin: 'self',
    connected: true,
    publish() {},
    subscribe: listeners.add,
    upToDate: () => Promise.resolve(true),
    settle: () => Promise.resolve(),
    close: () => Promise.resolve(),
    emit: listeners.emit,
  };
}

describe('what an instance does when the bus speaks', () => {
  function follow(): { bus: ReturnType<typeof handBus>; pokes: number; rechecks: number } {
    const bus = handBus();
    const seen = { bus, pokes: 0, rechecks: 0 };
    followCluster(bus, { poke: () => void seen.pokes++, recheckSockets: () => void seen.rechecks++ });
    return seen;
  }

  it("wakes the fulfilment worker for another instance's payment, not again for its own", () => {
    const s = follow();
    s.bus.emit({ type: 'due', origin: 'other' });
    s.bus.emit({ type: 'due', origin: 'self' });
    expect([s.pokes, s.rechecks]).toEqual([1, 0]);
  });

  it('rechecks live sockets when a key or session changed anywhere, not for a catalog change', () => {
    const s = follow();
    s.bus.emit({ type: 'changed', table: 'api_keys', appIds: [1], vkAppIds: [] });
    s.bus.emit({ type: 'changed', table: 'widget_sessions', appIds: null, vkAppIds: [] });
    s.bus.emit({ type: 'changed', table: 'catalog_items', appIds: [1], vkAppIds: [] });
    expect([s.pokes, s.rechecks]).toEqual([0, 2]);
  });

  it('after a gap in the bus (anything may have changed) does both', () => {
    const s = follow();
    s.bus.emit({ type: 'changed', table: null, appIds: null, vkAppIds: [] });
    expect([s.pokes, s.rechecks]).toEqual([1, 1]);
  });
});
