/**
 * Upgrades that come before the API is loaded wait for it, but no more than the cap: a flood of
 * upgrades in the start-up window must not hold sockets without bound.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parkUpgrades } from './parked-upgrades.js';

const UPGRADE =
  'GET /graphql HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';

describe('upgrades parked until the API loads', () => {
  let server: Server;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  async function upgrade(port: number): Promise<{ socket: Socket; closed: Promise<unknown> }> {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.write(UPGRADE);
    return { socket, closed: once(socket, 'close') };
  }

  it('keeps at most the cap waiting and closes the rest at once, then hands the waiting ones to the API in order', async () => {
    server = createServer();
    const parked = parkUpgrades(server, 3);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const waiting = [await upgrade(port), await upgrade(port), await upgrade(port)];
    const extra = await upgrade(port);
    await extra.closed; // over the cap: closed, not held
    let stillOpen = 0;
    for (const w of waiting) if (!w.socket.destroyed) stillOpen++;
    expect(stillOpen).toBe(3);

    const handed: string[] = [];
    server.on('upgrade', (req, socket) => {
      handed.push(req.url ?? '');
      socket.destroy();
    });
    parked.release();
    expect(handed).toEqual(['/graphql', '/graphql', '/graphql']);
    parked.drop();
  });

  it('gives the place of a peer that left to the next upgrade', async () => {
    server = createServer();
    const parked = parkUpgrades(server, 1);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const first = await upgrade(port);
    await new Promise((r) => setTimeout(r, 50));
    first.socket.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const second = await upgrade(port);
    const outcome = await Promise.race([second.closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
    expect(outcome).toBe('waiting');
    parked.drop();
  });
});
