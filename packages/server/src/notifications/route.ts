/**
 * `POST /vk/payments`: a thin adapter from HTTP to the pure core. It reads the body as text (any
 * content type: VK sends form-encoded, docs/protocol.md §1), runs the core, writes the log row, and only
 * then answers — HTTP 200 and compact JSON always, even for bodies it cannot read. Whatever hangs,
 * the answer goes out by the deadline (deadline.ts).
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { answeredAtDeadline, LATE_ANSWER, LATE_BODY, NOTIFICATION_DEADLINE_MS, withinDeadline, type Deadline } from './deadline.js';
import { handleNotification, type HandledNotification } from './handle.js';
import type { PendingLogs } from './pending-logs.js';
import type { LogEntry } from './handle.js';
import type { EndpointStore } from './sql-store.js';
import type { SyncFulfilment } from './store.js';
import { unloggedReason, type UnloggedReason, type UnverifiedLogBudget } from './unverified-budget.js';
import { unreadableRequest } from './unverified.js';
import { stringifyAnswer, toVkErrorAnswer, VkError } from './vk-error.js';

export const NOTIFICATION_PATH = '/vk/payments';
/** VK's bodies are a few hundred bytes; anything near this is not VK. */
export const NOTIFICATION_BODY_LIMIT = 64 * 1024;

export interface NotificationRouteOptions {
  store: EndpointStore;
  /** Sync mode's wait for the game backend. */
  fulfilment: SyncFulfilment;
  /** Told of every answer with its duration in seconds (metrics). */
  observe?: (handled: HandledNotification, seconds: number) => void;
  /** Caps the log rows of unverified requests per app and per instance and minute; absent, every request is logged. */
  unverifiedLog?: UnverifiedLogBudget;
  /** Told of each request answered without a log row because of that cap (metrics). */
  unlogged?: (reason: UnloggedReason) => void;
  /** Keeps the log rows the database did not take, to write them when it answers again. */
  pendingLogs: PendingLogs;
}

/** Our answer as it goes on the wire, and the log row it made (null when the row could not be written). */
export interface Processed {
  body: string;
  logId: number | null;
}

/**
 * A body in, the answer out, the log row written in between: what the route does for VK's requests,
 * and what `simulateNotification` does in-process for the test notifications it sends.
 */
export type ProcessNotification = (rawBody: string, logger: FastifyBaseLogger) => Promise<Processed>;

export function notificationProcessor({ store, fulfilment, observe, unverifiedLog, unlogged, pendingLogs }: NotificationRouteOptions) {
  /**
   * Whether the row of this request is written. A verified request always is (one property read on
   * the hot path); an unverified one within its app's budget and the instance's for the minute.
   */
  function mayLog(logger: FastifyBaseLogger, handled: HandledNotification): boolean {
    const { signatureValid, appId, vkAppId } = handled.log;
    if (signatureValid === true || !unverifiedLog) return true;
    const { logged, firstOver, limit } = unverifiedLog.take(appId);
    if (logged) return true;
    const reason = unloggedReason(appId);
    unlogged?.(reason);
    // One line per app and minute (and one for the instance), not one per request: the flood must not fill the server log either.
    if (firstOver) {
      if (limit === 'instance')
        logger.warn(
          { limit, reason },
          'unverified notifications of all apps over the per-minute log budget of this instance: answered, not logged until the minute ends',
        );
      else
        logger.warn(
          { vkAppId: appId === null ? null : vkAppId, limit, reason },
          'unverified notifications over the per-minute log budget: answered, not logged until the minute ends',
        );
    }
    return false;
  }

  async function logAndAnswer(
    logger: FastifyBaseLogger,
    handled: HandledNotification,
    receivedAt: Date,
    started: number,
    deadline?: Deadline,
  ): Promise<Processed> {
    if (handled.fault !== undefined) logger.error({ err: handled.fault }, 'notification answered as a temporary error');
    const durationMs = performance.now() - started;
    if (!mayLog(logger, handled)) {
      observe?.(handled, (performance.now() - started) / 1000);
      return { body: handled.body, logId: null };
    }
    let entry = { ...handled.log, receivedAt, response: handled.body, durationMs };
    // Past the deadline VK has its error 2 already: the row records that (deadline.ts).
    const lateBefore = deadline?.passed === true;
    if (lateBefore) entry = answeredAtDeadline(entry, deadline);
    let logId: number | null = null;
    try {
      // Read when written and when published: a row that turns late while it waits says so to the live log too.
      logId = await store.writeLog(() => (deadline?.passed && !lateBefore ? answeredAtDeadline(entry, deadline) : entry));
      if (deadline?.passed && !lateBefore) await correctLateRow(logger, logId, answeredAtDeadline(entry, deadline));
    } catch (err) {
      // The answer stands (the payment is already committed); the row is written when the database answers again, or reported missing.
      pendingLogs.add(deadline?.passed ? answeredAtDeadline(entry, deadline) : entry, logger, err);
    }
    // The line and the metrics count what VK was told: error 2 once the deadline has passed.
    const told = deadline?.passed ? { ...handled, log: { ...handled.log, errorCode: LATE_ANSWER.error.error_code } } : handled;
    const { vkAppId, rawType, errorCode, orderId } = told.log;
    // One structured line per notification: never the body, the signature or a secret.
    logger.info({ vkAppId, type: rawType, orderId, errorCode, durationMs: Math.round(durationMs * 100) / 100 }, 'notification');
    observe?.(told, (performance.now() - started) / 1000);
    return { body: handled.body, logId };
  }

  /** The row was on its way when the deadline passed: it must say what VK got. */
  async function correctLateRow(logger: FastifyBaseLogger, logId: number, late: LogEntry): Promise<void> {
    try {
      await store.correctLog(logId, late);
    } catch (err) {
      logger.error(
        { err, logId },
        'notification answered error 2 at the deadline, but its log row (written after) shows the answer the processing came to',
      );
    }
  }

  /**
   * The answer by the deadline: the processing's own, or error 2 while the processing goes on by itself
   * (its log row is written when it ends, saying what VK got).
   */
  async function answerInTime(logger: FastifyBaseLogger, work: (deadline: Deadline) => Promise<Processed>): Promise<Processed> {
    const outcome = await withinDeadline(NOTIFICATION_DEADLINE_MS, work, (err) =>
      logger.error({ err }, 'a notification answered at the deadline failed afterwards'),
    );
    if (outcome.inTime) return outcome.value;
    logger.warn(
      { deadlineMs: NOTIFICATION_DEADLINE_MS },
      'notification not processed by the deadline: answered error 2 (VK retries) while its processing goes on',
    );
    return { body: LATE_BODY, logId: null };
  }

  const processBody: ProcessNotification = (rawBody, logger) => {
    const started = performance.now();
    const receivedAt = new Date();
    return answerInTime(logger, async (deadline) =>
      logAndAnswer(logger, await handleNotification(rawBody, { store, fulfilment, now: () => receivedAt }), receivedAt, started, deadline),
    );
  };
  return { process: processBody, logAndAnswer, answerInTime };
}

export function notificationRoute(app: FastifyInstance, options: NotificationRouteOptions): Promise<void> {
  const { process: processBody, logAndAnswer, answerInTime } = notificationProcessor(options);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: NOTIFICATION_BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.post(NOTIFICATION_PATH, async (req, reply) => {
    const { body } = await processBody(typeof req.body === 'string' ? req.body : '', req.log);
    return reply.code(200).type('application/json; charset=utf-8').send(body);
  });

  // Bodies Fastify refuses before the handler (too large, unreadable) still get VK JSON and a log row.
  app.setErrorHandler(async (err, req, reply) => {
    const started = performance.now();
    const message =
      (err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `body is larger than ${NOTIFICATION_BODY_LIMIT} bytes`
        : 'body could not be read';
    const answer = toVkErrorAnswer(new VkError('BAD_REQUEST', message));
    const handled: HandledNotification = {
      answer,
      body: stringifyAnswer(answer),
      log: {
        appId: null,
        vkAppId: null,
        rawType: null,
        notificationType: null,
        test: false,
        vkUserId: null,
        orderId: null,
        subscriptionId: null,
        request: unreadableRequest(message, req.headers['content-length']),
        errorCode: answer.error.error_code,
        signatureValid: null,
        signedWith: null,
        warning: null,
      },
    };
    const { body } = await answerInTime(req.log, (deadline) => logAndAnswer(req.log, handled, new Date(), started, deadline));
    return reply.code(200).type('application/json; charset=utf-8').send(body);
  });
  return Promise.resolve();
}
