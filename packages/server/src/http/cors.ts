import type { FastifyCorsOptions } from '@fastify/cors';
import type { Config } from '../config.js';

/** Browsers may call GraphQL and the export only from the embedding origins the operator listed. */
export function embedderCors(config: Config): FastifyCorsOptions {
  return {
    origin: config.corsOrigins.length ? config.corsOrigins : false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'apollo-require-preflight'],
    exposedHeaders: ['content-disposition'],
    maxAge: 600,
  };
}
