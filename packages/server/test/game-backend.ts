/**
 * A real local game backend for fulfilment tests: an HTTP server on 127.0.0.1 that checks each event's
 * Standard Webhooks signature as a receiver must (with the `standardwebhooks` package, standard-webhooks.ts),
 * records it, and answers what `answer` says.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validStandardWebhook } from './standard-webhooks.js';

export interface Received {
  id: string;
  type: string;
  data: Record<string, unknown>;
  signatureValid: boolean;
}

/** The game backend: verifies, records, and answers what `answer` says for each event id. */
export class GameBackend {
  received: Received[] = [];
  secret = '';
  answer: (id: string, nth: number) => number = () => 200;
  /** How long to take before answering (a slow backend). */
  delayMs = 0;
  /** The body of the answer of that status. */
  body: (status: number) => string = (status) => (status < 300 ? 'granted' : 'not now');
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const headers = {
          'webhook-id': String(req.headers['webhook-id']),
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        };
        const event = JSON.parse(body) as { type: string; data: Record<string, unknown> };
        const id = headers['webhook-id'];
        const nth = this.received.filter((r) => r.id === id).length + 1;
        this.received.push({ id, type: event.type, data: event.data, signatureValid: validStandardWebhook(this.secret, headers, body) });
        res.statusCode = this.answer(id, nth);
        setTimeout(() => res.end(this.body(res.statusCode)), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/vk-grant`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
