/**
 * Raw TCP exchanges with a test server, for what `fetch` cannot send: broken headers, half-sent bodies,
 * garbage after a handshake. And the check every hostile test ends with: the server still pays.
 */
import { connect, type Socket } from 'node:net';
import { expect } from 'vitest';
import { SECRET, signed, type TestServer } from './helpers.js';

export interface Exchange {
  /** Everything the server sent, as latin1 text. */
  text: string;
  /** Whether the server closed (or reset) the connection before `waitMs` ran out. */
  closedByServer: boolean;
  /** Milliseconds from connecting to the close (or to giving up). */
  ms: number;
}

/** Connects to the server of `url`, writes each chunk (a delay between them when given), and collects the answer. */
export function exchange(
  url: string,
  chunks: (string | Buffer)[],
  { waitMs = 1_500, gapMs = 0 }: { waitMs?: number; gapMs?: number } = {},
): Promise<Exchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const received: Buffer[] = [];
    const socket: Socket = connect(Number(port), hostname.replace(/^\[|\]$/g, ''));
    let done = false;
    const finish = (closedByServer: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(received).toString('latin1'), closedByServer, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (b: Buffer) => received.push(b));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    const send = async (): Promise<void> => {
      for (const [i, chunk] of chunks.entries()) {
        if (i > 0 && gapMs) await new Promise((r) => setTimeout(r, gapMs));
        if (socket.destroyed) return;
        socket.write(chunk);
      }
    };
    socket.once('connect', () => void send());
  });
}

/** The HTTP status of the first answer in an exchange, or null when none came. */
export const statusOf = (x: Exchange): number | null => {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(x.text);
  return m ? Number(m[1]) : null;
};

export const PAYING_APP = 7100;
let nextOrder = 9_100_000;

/** Creates the app `PAYING_APP` and its item, so `expectStillPays` can buy. */
export async function seedPayingApp(t: TestServer): Promise<void> {
  const app = await t.gql(`mutation { createApp(input: {vkAppId: ${PAYING_APP}, name: "Pays", secretKey: "${SECRET}"}) { vkAppId } }`);
  expect(app.errors).toBeUndefined();
  const item = await t.gql(
    `mutation { upsertCatalogItem(vkAppId: ${PAYING_APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`,
  );
  expect(item.errors).toBeUndefined();
}

/** The server is up (`/healthz`) and a correctly signed chargeable order is booked. */
export async function expectStillPays(t: TestServer): Promise<void> {
  const health = await fetch(`${t.url}/healthz`);
  expect(health.status).toBe(200);
  const orderId = nextOrder++;
  const answer = await t.notify(
    signed({
      app_id: PAYING_APP,
      item: 'gem_pack',
      item_price: 10,
      notification_type: 'order_status_change',
      order_id: orderId,
      status: 'chargeable',
      user_id: 7,
      version: '5.132',
    }),
  );
  expect(answer.json).toMatchObject({ response: { order_id: orderId } });
}
