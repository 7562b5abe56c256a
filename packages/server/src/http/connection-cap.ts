/**
 * At most `max` open connections per client address (VKP_MAX_CONNECTIONS_PER_IP), so one address
 * cannot hold every socket the process can open. The default (256) leaves room for the many
 * connections VK, a load balancer or a benchmark open from one address. A proxy named by address in
 * VKP_TRUST_PROXY carries many clients on its connections, so it is never capped (their requests are
 * still limited by `req.ip`); with a hop count no peer can be told to be the proxy, so every peer is
 * capped (trusted-proxy.ts `proxyPeer`). Addresses are counted by bucket (address-bucket.ts): an IPv6
 * client is its /64, or it could open `max` connections from each of its 2^64 addresses. A refused
 * connection gets a 503 and is closed before anything of it is read.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { addressBucket } from './address-bucket.js';

const BODY = '{"error":"too many connections from this address"}';
const REFUSAL = `HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`;

export function capConnectionsPerAddress(
  server: Server,
  max: number,
  isProxy: (address: string) => boolean,
  onError: (err: unknown) => void,
): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  // First among the listeners, so a refused socket is ended before the HTTP parser answers anything on it.
  server.prependListener('connection', (socket: Socket) => {
    try {
      const peer = socket.remoteAddress;
      if (peer === undefined || isProxy(peer)) return;
      const address = addressBucket(peer);
      const count = (open.get(address) ?? 0) + 1;
      if (count > max) {
        socket.end(REFUSAL);
        // A peer that never closes its side must not keep the refused socket open.
        setTimeout(() => socket.destroy(), 1_000).unref();
        return;
      }
      open.set(address, count);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left > 0) open.set(address, left);
        else open.delete(address);
      });
    } catch (err) {
      onError(err);
      socket.destroy();
    }
  });
}
