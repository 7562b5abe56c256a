/**
 * WebSocket upgrades that arrive before the API is loaded (http/api.ts) wait for it, as its HTTP
 * requests do, instead of being answered as plain HTTP: parked here, then handed to the listener the
 * API attaches (graphql/websocket.ts), in the order they came.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ParkedUpgrades {
  /** The API listens for upgrades now: hand it those that waited. */
  release(): void;
  /** The API will not come: close those that waited. */
  drop(): void;
}

export function parkUpgrades(server: Server): ParkedUpgrades {
  const parked: [IncomingMessage, Duplex, Buffer][] = [];
  const park = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
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
