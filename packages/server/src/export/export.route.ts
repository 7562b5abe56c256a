/**
 * The CSV export's routes (what they answer: export.csv.ts). Declared when the server starts, so
 * Fastify knows them; what they run, with the ORM, loads with the API (http/api.ts), after the
 * endpoint already answers VK: a download asked for before waits for it.
 */
import type { FastifyInstance } from 'fastify';
import type { ExportDeps } from './export.csv.js';

export interface ExportRouteOptions {
  /** The ORM and config, once the API is loaded. */
  deps: () => Promise<ExportDeps>;
}

export function exportRoutes(app: FastifyInstance, { deps }: ExportRouteOptions): Promise<void> {
  const csv = () => import('./export.csv.js');
  // Scoped to these routes (this plugin is encapsulated).
  app.setErrorHandler(async (err, req, reply) => (await csv()).answerExportError(err, req, reply));
  app.get('/export/transactions.csv', async (req, reply) => (await csv()).transactionsCsv(await deps(), req, reply));
  app.get('/export/stats.csv', async (req, reply) => (await csv()).statsCsv(await deps(), req, reply));
  app.get('/export/subscription-stats.csv', async (req, reply) => (await csv()).subscriptionStatsCsv(await deps(), req, reply));
  return Promise.resolve();
}
