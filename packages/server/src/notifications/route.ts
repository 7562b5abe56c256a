/**
 * `POST /vk/payments`: a thin adapter from HTTP to the pure core. It reads the body as text (any
 * content type: VK sends form-encoded, PROTOCOL.md §1), runs the core, writes the log row, and only
 * then answers — HTTP 200 and compact JSON always, even for bodies it cannot read.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { handleNotification, type HandledNotification } from './handle.js';
import type { EndpointStore } from './sql-store.js';
import { unloggedReason, type UnloggedReason, type UnverifiedLogBudget } from './unverified-budget.js';
import { unreadableRequest } from './unverified.js';
import { stringifyAnswer, toVkErrorAnswer, VkError } from './vk-error.js';

export const NOTIFICATION_PATH = '/vk/payments';
/** VK's bodies are a few hundred bytes; anything near this is not VK. */
export const NOTIFICATION_BODY_LIMIT = 64 * 1024;

export interface NotificationRouteOptions {
  store: EndpointStore;
  /** Told of every answer with its duration in seconds (metrics). */
  observe?: (handled: HandledNotification, seconds: number) => void;
  /** Caps the log rows of unverified requests per app and per instance and minute; absent, every request is logged. */
  unverifiedLog?: UnverifiedLogBudget;
  /** Told of each request answered without a log row because of that cap (metrics). */
  unlogged?: (reason: UnloggedReason) => void;
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

export function notificationProcessor({ store, observe, unverifiedLog, unlogged }: NotificationRouteOptions) {
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
      if (limit === 'instance') logger.warn({ limit, reason }, 'unverified notifications of all apps over the per-minute log budget of this instance: answered, not logged until the minute ends');
      else logger.warn({ vkAppId: appId === null ? null : vkAppId, limit, reason }, 'unverified notifications over the per-minute log budget: answered, not logged until the minute ends');
    }
    return false;
  }

  async function logAndAnswer(logger: FastifyBaseLogger, handled: HandledNotification, receivedAt: Date, started: number): Promise<Processed> {
    if (handled.fault !== undefined) logger.error({ err: handled.fault }, 'notification answered as a temporary error');
    const durationMs = performance.now() - started;
    if (!mayLog(logger, handled)) {
      observe?.(handled, (performance.now() - started) / 1000);
      return { body: handled.body, logId: null };
    }
    let logId: number | null = null;
    try {
      logId = await store.writeLog({ ...handled.log, receivedAt, response: handled.body, durationMs });
    } catch (err) {
      // The answer stands (the payment is already committed); the operator must hear that its log row is missing.
      logger.error({ err }, 'could not write the notification log row');
    }
    const { vkAppId, rawType, errorCode, orderId } = handled.log;
    // One structured line per notification: never the body, the signature or a secret.
    logger.info({ vkAppId, type: rawType, orderId, errorCode, durationMs: Math.round(durationMs * 100) / 100 }, 'notification');
    observe?.(handled, (performance.now() - started) / 1000);
    return { body: handled.body, logId };
  }

  const processBody: ProcessNotification = async (rawBody, logger) => {
    const started = performance.now();
    const receivedAt = new Date();
    const handled = await handleNotification(rawBody, { store, now: () => receivedAt });
    return logAndAnswer(logger, handled, receivedAt, started);
  };
  return { process: processBody, logAndAnswer };
}

export async function notificationRoute(app: FastifyInstance, options: NotificationRouteOptions): Promise<void> {
  const { process: processBody, logAndAnswer } = notificationProcessor(options);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: NOTIFICATION_BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.post(NOTIFICATION_PATH, async (req, reply) => {
    const { body } = await processBody(typeof req.body === 'string' ? req.body : '', req.log);
    return reply.code(200).type('application/json; charset=utf-8').send(body);
  });

  // Bodies Fastify refuses before the handler (too large, unreadable) still get VK JSON and a log row.
  app.setErrorHandler(async (err, req, reply) => {
    const started = performance.now();
    const message = (err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `body is larger than ${NOTIFICATION_BODY_LIMIT} bytes` : 'body could not be read';
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
    const { body } = await logAndAnswer(req.log, handled, new Date(), started);
    return reply.code(200).type('application/json; charset=utf-8').send(body);
  });
}
