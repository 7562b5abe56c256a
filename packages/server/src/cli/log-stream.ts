/**
 * Where `serve` writes its log: stdout through pino's asynchronous writer (sonic-boom). The line every
 * notification logs (notifications/route.ts) is then appended to a buffer, and the buffer written while
 * the server goes on answering, in one write(2) per batch of lines, instead of one blocking write(2)
 * per line on the request's path (README "Performance"). What is still buffered is written before exit.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';

/** A reader of stdout that stopped reading must not hold the exit forever. */
const CLOSE_WAIT_MS = 2_000;

export interface LogStream {
  stream: pino.DestinationStream;
  /** Writes out every buffered line (waiting for a write in progress), then stops; call it last, before exiting. */
  close(): Promise<void>;
}

export function asyncStdout(): LogStream {
  // sync: false; pino also writes the buffer out on process exit, should a path exit without close().
  const destination = pino.destination({ dest: 1, sync: false });
  let closing: Promise<void> | undefined;
  return {
    stream: destination,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => destination.once('close', () => resolve()));
        destination.end();
        await Promise.race([closed, sleep(CLOSE_WAIT_MS, undefined, { ref: false })]);
      })();
      return closing;
    },
  };
}
