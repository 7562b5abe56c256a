/**
 * VK is answered by a deadline, whatever hangs underneath: a PostgreSQL that accepts connections and
 * never answers, a SQLite write lock another process holds, a slow game backend in sync mode. VK waits
 * 10 s, network included, and retries an error 2 (docs/protocol.md §1). At the deadline VK gets error 2
 * (critical: false) and the processing goes on by itself: nothing is answered as a success before its
 * commit, and an order that commits after the deadline is found by VK's retry, which gets the same
 * app_order_id (the order is keyed by its order_id).
 */
import type { LogEntry } from './handle.js';
import { stringifyAnswer, toVkErrorAnswer, VkError } from './vk-error.js';

/** From reading the body to the answer: the rest of VK's 10 s is for the network, both ways. */
export const NOTIFICATION_DEADLINE_MS = 2_500;

/** What VK gets at the deadline. */
export const LATE_ANSWER = toVkErrorAnswer(new VkError('TEMPORARY', 'not processed in time, please retry'));
export const LATE_BODY = stringifyAnswer(LATE_ANSWER);

export interface Deadline {
  readonly ms: number;
  /** True once the deadline has passed: VK has its error 2, or is about to. */
  readonly passed: boolean;
}

export type Outcome<T> = { inTime: true; value: T } | { inTime: false };

/**
 * Runs `work`, handing it the deadline it runs under. Resolves with its result if it ends within `ms`,
 * else at `ms` with `inTime: false` while `work` goes on; a failure after that goes to `lateFailure`
 * (a late write must never become an unhandled rejection, which would take the process down).
 */
export function withinDeadline<T>(
  ms: number,
  work: (deadline: Deadline) => Promise<T>,
  lateFailure: (err: unknown) => void,
): Promise<Outcome<T>> {
  const deadline = { ms, passed: false };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => {
      deadline.passed = true;
      resolve({ inTime: false });
    }, ms);
  });
  const done = work(deadline).then((value): Outcome<T> => ({ inTime: true, value }));
  done.catch((err: unknown) => {
    if (deadline.passed) lateFailure(err);
  });
  return Promise.race([done, expired]).finally(() => clearTimeout(timer));
}

/** The varchar the log row's warning is stored in. */
const WARNING_MAX = 255;

/**
 * The log row of a notification VK got error 2 for at the deadline: it records that answer, the one
 * VK got, and keeps what the processing came to (and any earlier warning) in the warning.
 */
export function answeredAtDeadline(entry: LogEntry, deadline: Deadline): LogEntry {
  if (entry.response === LATE_BODY) return entry;
  const late = `answered error 2 at the ${deadline.ms} ms deadline (VK retries); the processing took ${Math.round(entry.durationMs)} ms and came to ${entry.response}`;
  const warning = entry.warning ? `${late}; ${entry.warning}` : late;
  return {
    ...entry,
    response: LATE_BODY,
    errorCode: LATE_ANSWER.error.error_code,
    warning: warning.length > WARNING_MAX ? `${warning.slice(0, WARNING_MAX - 1)}…` : warning,
  };
}
