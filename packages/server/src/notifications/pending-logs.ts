/**
 * Log rows the database did not take when their notification was answered (it hung, or was away),
 * kept in memory and written again once it answers, oldest first: every notification gets its row
 * (DESIGN.md §4) as long as the outage ends within `keepMs`. A row given up — older than that, over
 * `maxRows`, or still pending at shutdown — is named in the server log, so the operator knows which
 * row is missing. A write that timed out on our side may have committed all the same; its retry then
 * makes a second row for the same request: a duplicate row is better than a missing one.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { LogEntry } from '../logs/logs.service.js';

export interface PendingLogsOptions {
  /** Rows kept at most; a row beyond is given up at once (an outage under a flood must not exhaust memory). */
  maxRows?: number;
  /** How long a row is tried again before it is given up. */
  keepMs?: number;
  /** The first wait before a retry; it doubles while the database still fails, up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

export interface PendingLogs {
  /** Keeps a row whose write failed (with `err`), to write it again later. */
  add(entry: LogEntry, logger: FastifyBaseLogger, err?: unknown): void;
  readonly size: number;
  /** Stops retrying after one last attempt; rows still unwritten are named in the server log. */
  close(): Promise<void>;
}

interface Pending {
  entry: LogEntry;
  logger: FastifyBaseLogger;
  since: number;
}

function giveUp({ entry, logger }: Pending, why: string): void {
  const { vkAppId, rawType, orderId, subscriptionId, receivedAt, errorCode } = entry;
  logger.error({ vkAppId, type: rawType, orderId, subscriptionId, receivedAt, errorCode }, `notification log row lost (${why}): the notification was answered, but the database never took its row`);
}

export function pendingLogRows(write: (entry: LogEntry) => Promise<unknown>, options: PendingLogsOptions = {}): PendingLogs {
  const { maxRows = 10_000, keepMs = 15 * 60_000, firstDelayMs = 1_000, maxDelayMs = 30_000 } = options;
  const rows: Pending[] = [];
  let delay = firstDelayMs;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let closed = false;

  /** Writes rows in order until one fails (the database is still away: wait longer) or none is left. */
  async function flush(): Promise<void> {
    while (rows.length) {
      const first = rows[0]!;
      if (Date.now() - first.since > keepMs) {
        rows.shift();
        giveUp(first, `not written within ${Math.round(keepMs / 1000)} s`);
        continue;
      }
      try {
        await write(first.entry);
      } catch {
        delay = Math.min(delay * 2, maxDelayMs);
        return;
      }
      rows.shift();
      delay = firstDelayMs;
    }
  }

  function schedule(): void {
    if (closed || timer || flushing || !rows.length) return;
    timer = setTimeout(() => {
      timer = undefined;
      flushing = flush().finally(() => {
        flushing = undefined;
        schedule();
      });
    }, delay);
    // Pending rows alone do not keep a process alive that is otherwise done (close() names them).
    timer.unref();
  }

  return {
    add(entry, logger, err) {
      const pending = { entry, logger, since: Date.now() };
      if (closed) return giveUp(pending, 'the server is shutting down');
      if (rows.length >= maxRows) return giveUp(pending, `${maxRows} rows already wait for the database`);
      logger.warn({ err, pendingRows: rows.length + 1 }, 'could not write the notification log row: kept, to write again when the database answers');
      rows.push(pending);
      schedule();
    },
    get size() {
      return rows.length;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      await flushing;
      await flush();
      for (const row of rows.splice(0)) giveUp(row, 'the server shut down before the database took it');
    },
  };
}
