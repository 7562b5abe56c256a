/**
 * A game backend for the Deliveries view's tests, run in Node by vitest.config.ts: an HTTP server on
 * 127.0.0.1 that answers every fulfilment event with the status a test chose (`commands.vkpGameBackend`),
 * and says so in its body. Started on first use; the test server allows 127.0.0.1 (test/global-setup.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserCommand } from 'vitest/node';

let server: Server | undefined;
let url = '';
let status = 200;

async function start(): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.statusCode = status;
      res.end(status < 300 ? 'granted' : `not now (${status})`);
    });
  });
  // Not holding the test run open when it ends.
  server.unref();
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vk-grant`);
}

/** Sets the status every event is answered with from now on; resolves with the backend's URL. */
export const vkpGameBackend: BrowserCommand<[answer: number]> = async (_ctx, answer) => {
  status = answer;
  return server ? url : start();
};
