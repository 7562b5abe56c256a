/**
 * Log rows the database did not take when their notification was answered (it hung, or was away),
 * kept in memory and written again once it answers, oldest first: every notification gets its row
 * (ARCHITECTURE.md §2) as long as the outage ends within `keepMs`. A row given up — older than that, over
 * `maxRows`, or still pending at shutdown — is named in the server log, so the operator knows which
 * row is missing. A write that timed out on our side may have committed all the same; its retry then
 * makes a second row for the same request: a duplicate row is better than a missing one.
 */
import type { FastifyBaseLogger } from 'fastify';
import { rowFault } from '../db/group-commit.js';
import type { LogEntry } from './handle.js';

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
  /** Failed attempts that were not the row's fault. */
  failed: number;
}

function giveUp({ entry, logger }: Pending, why: string): void {
  const { vkAppId, rawType, orderId, subscriptionId, receivedAt, errorCode } = entry;
  logger.error(
    { vkAppId, type: rawType, orderId, subscriptionId, receivedAt, errorCode },
    `notification log row lost (${why}): the notification was answered, but the database never took its row`,
  );
}

export function pendingLogRows(write: (entry: LogEntry) => Promise<unknown>, options: PendingLogsOptions = {}): PendingLogs {
  const { maxRows = 10_000, keepMs = 15 * 60_000, firstDelayMs = 1_000, maxDelayMs = 30_000 } = options;
  const rows: Pending[] = [];
  let delay = firstDelayMs;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let closed = false;

  /**
   * Writes rows in order. A row the database refuses (a fault of the row: group-commit.ts rowFault) is
   * given up at once: no retry would change that. Any other failure means the database is still away
   * (every row fails then: wait longer), unless the row failed before and the row after it goes in:
   * then that one row is passed over until the next round, so no single row holds up the rows behind
   * it. (Passing over a row at its first failure would write the rows out of order after each outage.)
   */
  async function flush(): Promise<void> {
    let failures = 0;
    for (let i = 0; i < rows.length;) {
      const row = rows[i]!;
      if (Date.now() - row.since > keepMs) {
        rows.splice(i, 1);
        giveUp(row, `not written within ${Math.round(keepMs / 1000)} s`);
        continue;
      }
      try {
        await write(row.entry);
      } catch (err) {
        if (rowFault(err)) {
          rows.splice(i, 1);
          giveUp(row, `the database refused it: ${String((err as { code?: unknown }).code)}`);
          continue;
        }
        row.failed += 1;
        if (++failures >= 2 || row.failed < 2) break;
        i++;
        continue;
      }
      rows.splice(i, 1);
      failures = 0;
    }
    delay = failures ? Math.min(delay * 2, maxDelayMs) : firstDelayMs;
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
      const pending = { entry, logger, since: Date.now(), failed: 0 };
      if (closed) return giveUp(pending, 'the server is shutting down');
      if (rows.length >= maxRows) return giveUp(pending, `${maxRows} rows already wait for the database`);
      logger.warn(
        { err, pendingRows: rows.length + 1 },
        'could not write the notification log row: kept, to write again when the database answers',
      );
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
