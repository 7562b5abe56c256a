/** CSV downloads (`GET /export/…`) with the same bearer token as GraphQL. */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';

export interface ExportRouteOptions {
  orm: Orm;
  config: Config;
}

export async function exportRoutes(_app: FastifyInstance, _options: ExportRouteOptions): Promise<void> {}
