/**
 * WebSocket upgrades that arrive before the API is loaded (http/api.ts) wait for it, as its HTTP
 * requests do, instead of being answered as plain HTTP: parked here, then handed to the listener the
 * API attaches (http/websocket.ts), in the order they came.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ParkedUpgrades {
  /** The API listens for upgrades now: hand it those that waited. */
  release(): void;
  /** The API will not come: close those that waited. */
  drop(): void;
}

/**
 * At most this many wait at once: the API loads in about a second, so a crowd of upgrades in that
 * window is a flood, not the admin page; past the cap one is closed at once (it may come back later).
 */
export const MAX_PARKED_UPGRADES = 256;

export function parkUpgrades(server: Server, max = MAX_PARKED_UPGRADES): ParkedUpgrades {
  const parked: [IncomingMessage, Duplex, Buffer][] = [];
  const park = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    // A peer that hung up while waiting is gone: nothing to hand over.
    socket.on('end', () => socket.destroy());
    // Peers that left do not hold a place.
    if (parked.length >= max) parked.splice(0, parked.length, ...parked.filter(([, s]) => !s.destroyed));
    if (parked.length >= max) {
      socket.destroy();
      return;
    }
    parked.push([req, socket, head]);
  };
  server.on('upgrade', park);
  return {
    release() {
      server.off('upgrade', park);
      for (const [req, socket, head] of parked.splice(0)) if (!socket.destroyed) server.emit('upgrade', req, socket, head);
    },
    drop() {
      server.off('upgrade', park);
      for (const [, socket] of parked.splice(0)) socket.destroy();
    },
  };
}
