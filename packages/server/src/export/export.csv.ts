/**
 * CSV downloads with the same bearer token as GraphQL (docs/protocol.md §8: "CSV export of a chosen period"):
 *   GET /export/transactions.csv?vkAppId=&status=&test=&vkUserId=&itemId=&from=&to=
 *   GET /export/stats.csv?vkAppId=&from=&to=&granularity=&timeZone=
 *   GET /export/subscription-stats.csv?vkAppId=&from=&to=&granularity=&timeZone= (`subscriptionStats`, cancellations by reason as columns)
 * Access is decided by `decide(principal, 'PAYMENTS', vkAppId)`, as for `transactions`/`paymentStats`;
 * refusals are JSON `{ error: { code, message } }` with GraphQL's codes and the matching HTTP status.
 * Transactions stream in id batches through csv-stringify, so memory stays flat for any size.
 * Excel-friendly: UTF-8 BOM, CRLF; a text cell that starts like a formula gets a leading apostrophe
 * (titles come from the catalog and from VK, so they are not ours to trust).
 * The routes are declared in export.route.ts; this module (and the ORM) loads with the API.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from '@mikro-orm/core';
import { API_ERROR_CODES, type ApiErrorCode } from '@vk-payments/shared';
import { stringify } from 'csv-stringify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { getApp } from '../apps/apps.service.js';
import type { App } from '../apps/app.entity.js';
import { decide, type Principal } from '../access/permissions.js';
import { authenticate, bearerToken } from '../keys/tokens.js';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { ApiError, parseInput } from '../graphql/errors.js';
import { transactionBatches, transactionWhere } from '../orders/orders.service.js';
import type { Transaction } from '../orders/transaction.entity.js';
import { isoInZone } from '../stats/periods.js';
import { paymentStats, resolvePeriods } from '../stats/stats.service.js';
import { subscriptionStats } from '../stats/subscription-stats.service.js';

export interface ExportDeps {
  orm: Orm;
  config: Config;
}

const HTTP_STATUS: Record<ApiErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
};

const TRANSACTION_COLUMNS = [
  'appOrderId',
  'orderId',
  'subscriptionId',
  'createdAt',
  'vkUserId',
  'itemId',
  'title',
  'price',
  'status',
  'refundedAt',
  'test',
] as const;
const STATS_COLUMNS = [
  'periodStart',
  'revenue',
  'itemsRevenue',
  'subscriptionsRevenue',
  'orders',
  'refunds',
  'payingUsers',
  'arppu',
] as const;
const SUBSCRIPTION_STATS_COLUMNS = [
  'periodStart',
  'active',
  'activeSubscribers',
  'monthlyRecurringVotes',
  'new',
  'renewed',
  'resumed',
  'cancelled',
  'cancelledPending',
  'userDecision',
  'appDecision',
  'paymentFail',
  'unknown',
] as const;
const BATCH_SIZE = 1000;

type Cell = string | number;

/** OWASP's CSV-injection rule: a text cell a spreadsheet would read as a formula is prefixed with '. */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const text = (value: string | null): Cell => (value === null ? '' : safeCell(value));
const iso = (value: Date | null): Cell => (value === null ? '' : value.toISOString());

function transactionRecord(t: Transaction): Record<(typeof TRANSACTION_COLUMNS)[number], Cell> {
  return {
    appOrderId: t.id,
    orderId: text(t.orderId),
    subscriptionId: text(t.subscriptionId),
    createdAt: iso(t.createdAt),
    vkUserId: t.vkUserId,
    itemId: text(t.itemId),
    title: text(t.title),
    price: t.price,
    status: t.status.toUpperCase(), // as the GraphQL enum TransactionStatus
    refundedAt: iso(t.refundedAt),
    test: t.test ? 'true' : 'false',
  };
}

function csv(columns: readonly string[]) {
  return stringify({ header: true, columns: [...columns], bom: true, record_delimiter: 'windows' });
}

// ---- query strings ----

const required = { error: 'is required' };
const intParam = z
  .string(required)
  .regex(/^-?\d{1,15}$/, 'must be an integer')
  .transform(Number);
const dateParam = z
  .string(required)
  .pipe(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-05-01T00:00:00Z' }))
  .transform((s) => new Date(s));
const upper = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(values, { error: `must be one of ${values.join(', ')}` }));

const transactionsQuery = z.object({
  vkAppId: intParam,
  status: upper(['CHARGEABLE', 'REFUNDED'] as const)
    .transform((s) => (s === 'CHARGEABLE' ? 'chargeable' : 'refunded'))
    .optional(),
  test: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((s) => s === 'true')
    .optional(),
  vkUserId: intParam.optional(),
  itemId: z.string().min(1, 'must not be empty').max(64).optional(),
  from: dateParam.optional(),
  to: dateParam.optional(),
});

const statsQuery = z.object({
  vkAppId: intParam,
  from: dateParam,
  to: dateParam,
  granularity: upper(['DAY', 'WEEK', 'MONTH'] as const).optional(),
  timeZone: z.string().optional(),
});

// ---- access ----

/**
 * Who asks, as the API gate (http/api-gate.ts) found when it counted the request against the rate limit;
 * 401 as GraphQL answers it: no token, or one that is not (or no longer) valid.
 */
async function callerOf(orm: Orm, config: Config, req: FastifyRequest): Promise<{ em: EntityManager; principal: Principal }> {
  let caller = req.caller;
  if (!caller) {
    const em = orm.em.fork();
    caller = { em, auth: await authenticate(em, bearerToken(req.headers.authorization), config.adminToken) };
  }
  const { em, auth } = caller;
  if (!auth.principal) throw new ApiError('UNAUTHENTICATED', auth.reason ?? 'send a bearer token in the Authorization header');
  return { em, principal: auth.principal };
}

/** 403 / 404 as `@Authorized('PAYMENTS')` on an operation with `vkAppId` decides them. */
async function paymentsApp(em: EntityManager, principal: Principal, vkAppId: number): Promise<App> {
  const decision = decide(principal, 'PAYMENTS', vkAppId);
  if (!decision.ok) throw new ApiError('FORBIDDEN', decision.reason);
  return getApp(em, vkAppId);
}

/** A filename part: the date when the instant is local midnight, else date and time (no colons, for Windows). */
function stamp(at: Date | undefined, timeZone: string, otherwise: string): string {
  if (!at) return otherwise;
  const local = isoInZone(at, timeZone).slice(0, 19);
  return local.endsWith('T00:00:00') ? local.slice(0, 10) : local.slice(0, 16).replace(':', '-');
}

function download(reply: FastifyReply, filename: string, body: Readable): FastifyReply {
  return reply
    .code(200)
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store')
    .send(body);
}

/**
 * Pipes records into a CSV stream, pulling the next batch only as the client reads. A failure mid-way
 * can only cut the download short, so it is logged; a client that goes away ends the reading quietly.
 */
function csvStream(req: FastifyRequest, columns: readonly string[], records: Iterable<object> | AsyncIterable<object>): Readable {
  const out = csv(columns);
  pipeline(Readable.from(records), out).catch((err: unknown) => {
    if ((err as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE') req.log.info('CSV download abandoned by the client');
    else req.log.error({ err }, 'CSV export failed mid-stream');
  });
  return out;
}

/** The export's error answer: API errors keep their code, others are masked. */
export function answerExportError(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const code = err instanceof GraphQLError ? err.extensions.code : undefined;
  if (err instanceof ApiError && typeof code === 'string' && code in HTTP_STATUS) {
    const { field, params } = err.extensions;
    return reply.code(HTTP_STATUS[code as ApiErrorCode]).send({
      error: { code, message: err.message, ...(typeof field === 'string' && { field }), ...(params !== undefined && { params }) },
    });
  }
  req.log.error({ err }, 'CSV export failed');
  return reply.code(500).send({ error: { code: API_ERROR_CODES.INTERNAL_SERVER_ERROR, message: 'Internal server error' } });
}

export async function transactionsCsv({ orm, config }: ExportDeps, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { em, principal } = await callerOf(orm, config, req);
  const { vkAppId, ...filter } = parseInput(transactionsQuery, req.query);
  const target = await paymentsApp(em, principal, vkAppId);
  const where = transactionWhere(target.id, filter);
  async function* records(): AsyncGenerator<object> {
    for await (const batch of transactionBatches(em, where, BATCH_SIZE)) yield* batch.map(transactionRecord);
  }
  const filename = `transactions-${vkAppId}-${stamp(filter.from, 'UTC', 'start')}-${stamp(filter.to, 'UTC', 'now')}.csv`;
  return download(reply, filename, csvStream(req, TRANSACTION_COLUMNS, records()));
}

export async function statsCsv({ orm, config }: ExportDeps, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { em, principal } = await callerOf(orm, config, req);
  const { vkAppId, ...args } = parseInput(statsQuery, req.query);
  const { timeZone } = resolvePeriods(args); // bad arguments answer 400 before the app is looked up
  const target = await paymentsApp(em, principal, vkAppId);
  const stats = await paymentStats(em, target.id, args);
  const rows = stats.points.map((p) => ({ ...p, periodStart: isoInZone(p.periodStart, timeZone), arppu: p.arppu ?? '' }));
  const filename = `stats-${vkAppId}-${stamp(args.from, timeZone, 'start')}-${stamp(args.to, timeZone, 'now')}.csv`;
  return download(reply, filename, csvStream(req, STATS_COLUMNS, rows));
}

export async function subscriptionStatsCsv({ orm, config }: ExportDeps, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { em, principal } = await callerOf(orm, config, req);
  const { vkAppId, ...args } = parseInput(statsQuery, req.query);
  const { timeZone } = resolvePeriods(args); // bad arguments answer 400 before the app is looked up
  const target = await paymentsApp(em, principal, vkAppId);
  const stats = await subscriptionStats(em, target.id, args);
  const rows = stats.points.map(({ cancelReasons, ...p }) => ({ ...p, ...cancelReasons, periodStart: isoInZone(p.periodStart, timeZone) }));
  const filename = `subscription-stats-${vkAppId}-${stamp(args.from, timeZone, 'start')}-${stamp(args.to, timeZone, 'now')}.csv`;
  return download(reply, filename, csvStream(req, SUBSCRIPTION_STATS_COLUMNS, rows));
}
