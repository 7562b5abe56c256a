/**
 * Draining for a load balancer (README "Running several instances"). A balancer such as HAProxy does
 * not drain on its own: it keeps sending new requests to an instance until its health check has failed
 * `fall` times in a row. An instance that stopped accepting at once would refuse those requests. So on
 * SIGTERM it first answers /readyz 503 and keeps serving everything for the drain delay (check interval ×
 * fall, plus a margin: VKP_DRAIN_DELAY). Only then does it stop accepting. Answers sent during the delay
 * carry `Connection: close`: a keep-alive client, or a connection the balancer keeps open, connects
 * afresh for its next request, and the balancer sends that request to an instance that stays.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface Drain {
  /** True from the first `begin()` on: /readyz answers 503. */
  readonly draining: boolean;
  /** Starts draining (once) and resolves after `ms`, or sooner when `hurry()` is called. */
  begin(ms: number): Promise<void>;
  /** Ends the delay now (a second signal, a crash): the instance closes without waiting any longer. */
  hurry(): void;
}

export function drainer(server: Server): Drain {
  let draining = false;
  let endDelay: (() => void) | undefined;
  // Runs before Fastify's own listener (prepended), so the header is set before any answer is written.
  // It is only attached once draining starts: the hot path pays nothing for it.
  const closeAfterAnswer = (_req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('connection', 'close');
  };
  return {
    get draining() {
      return draining;
    },
    begin(ms) {
      if (!draining) {
        draining = true;
        server.prependListener('request', closeAfterAnswer);
      }
      if (ms <= 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done(): void {
          clearTimeout(timer);
          endDelay = undefined;
          resolve();
        }
        endDelay = done;
      });
    },
    hurry() {
      endDelay?.();
    },
  };
}
