/**
 * The answer to an error no route handled itself (health probes, /metrics, /admin, Fastify's own
 * refusals: unreadable JSON, unsupported content type, a body too large, an unknown route). A client
 * mistake (4xx) keeps Fastify's fixed message; anything else is logged and answered with a generic
 * message, so no internal message, path or stack reaches a client. The notification endpoint and the
 * export answer their own errors (route.ts, export.csv.ts).
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';

export function answerErrorsPlainly(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.code(status).send({ statusCode: status, error: STATUS_CODES[status], message: 'Internal server error' });
    }
    return reply.code(status).send({
      statusCode: status,
      ...(typeof err.code === 'string' && { code: err.code }),
      error: STATUS_CODES[status],
      message: err.message,
    });
  });
}
