/** Liveness and readiness probes for a supervisor or a load balancer. */
import type { FastifyInstance } from 'fastify';
import type { Sql } from '../db/sql.js';
import type { Drain } from './drain.js';

export interface HealthRouteOptions {
  sql: Sql;
  drain: Drain;
}

export function healthRoutes(app: FastifyInstance, { sql, drain }: HealthRouteOptions): Promise<void> {
  app.get('/healthz', () => Promise.resolve({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    // A draining instance (shutdown, or a crash: cli/serve.ts) tells the balancer to send work elsewhere.
    if (drain.draining) return reply.code(503).send({ status: 'draining' });
    try {
      // Through the endpoint's own connection: ready means VK's notifications can be answered.
      await sql.one('select 1');
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unreachable' });
    }
  });
  return Promise.resolve();
}
