/** Liveness and readiness probes for a supervisor or a load balancer. */
import type { FastifyInstance } from 'fastify';
import type { Sql } from '../db/sql.js';
import type { Drain } from './drain.js';

export interface HealthRouteOptions {
  sql: Sql;
  drain: Drain;
}

export type Readiness = 'ready' | 'draining' | 'database unreachable';

/** What /readyz answers, and what the `vkp_ready` gauge reports (observability/metrics.ts): one check for both. */
export async function readiness({ sql, drain }: HealthRouteOptions): Promise<Readiness> {
  // A draining instance (shutdown, or a crash: cli/serve.ts) tells the balancer to send work elsewhere.
  if (drain.draining) return 'draining';
  return (await databaseAnswers(sql)) ? 'ready' : 'database unreachable';
}

/** Readiness's database check, which the metrics read too (observability/metrics.ts). */
export async function databaseAnswers(sql: HealthRouteOptions['sql']): Promise<boolean> {
  try {
    // Through the endpoint's own connection: ready means VK's notifications can be answered.
    await sql.one('select 1');
    return true;
  } catch {
    return false;
  }
}

export function healthRoutes(app: FastifyInstance, options: HealthRouteOptions): Promise<void> {
  app.get('/healthz', () => Promise.resolve({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const status = await readiness(options);
    return status === 'ready' ? { status } : reply.code(503).send({ status });
  });
  return Promise.resolve();
}
