import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { capConnectionsPerAddress } from './connection-cap.js';

/**
 * The cap sees only `socket.remoteAddress`; a test host has one IPv6 loopback address, so the peer is
 * renamed on the real accepted socket before the cap reads it (the cap runs first among the listeners).
 */
let server: Server | undefined;
const clients: Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
});

async function serve(max: number, peers: string[], isProxy: (address: string) => boolean = () => false): Promise<number> {
  server = createServer((_req, res) => res.end('ok'));
  capConnectionsPerAddress(server, max, isProxy, (err) => {
    throw err;
  });
  let next = 0;
  server.prependListener('connection', (socket: Socket) => {
    const peer = peers[next++];
    Object.defineProperty(socket, 'remoteAddress', { value: peer });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** Opens one connection; resolves with whether the server refused it (a 503 and a close). */
async function refused(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  clients.push(socket);
  let text = '';
  socket.on('data', (b: Buffer) => (text += b.toString()));
  socket.on('error', () => undefined);
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  return new Promise((resolve) => {
    socket.once('close', () => resolve(text.startsWith('HTTP/1.1 503')));
    setTimeout(() => resolve(text.startsWith('HTTP/1.1 503')), 300).unref();
  });
}

describe('open connections per client address', () => {
  it('counts every address of one IPv6 /64 as one client', async () => {
    const port = await serve(2, ['2001:db8:1:2::1', '2001:db8:1:2::ffff', '2001:db8:1:2:abcd::9', '2001:db8:1:3::1']);
    expect([await refused(port), await refused(port), await refused(port), await refused(port)]).toEqual([false, false, true, false]);
  });

  it('counts an IPv4-mapped IPv6 peer as its IPv4 address', async () => {
    const port = await serve(1, ['203.0.113.7', '::ffff:203.0.113.7', '203.0.113.8']);
    expect([await refused(port), await refused(port), await refused(port)]).toEqual([false, true, false]);
  });

  it('never caps a peer that is a proxy', async () => {
    const port = await serve(1, ['10.0.0.1', '10.0.0.1', '10.0.0.1'], (address) => address === '10.0.0.1');
    expect([await refused(port), await refused(port), await refused(port)]).toEqual([false, false, false]);
  });
});
