/**
 * The mini app API over HTTP (docs/protocol.md §9): `GET /mini-app/v1/entitlements`,
 * `GET /mini-app/v1/orders/:orderId`, and their CORS. A thin adapter over mini-app/: it reads the request,
 * runs the checks in order and writes JSON; every refusal is `{ error: { code, message } }`.
 *
 * Order, cheapest first, so that nobody without a valid launch string costs more than a lookup:
 *  1. the client address's refusals (VKP_MINI_APP_REFUSALS_PER_IP): an address that keeps sending
 *     unsigned, badly signed or unknown-app requests, or preflights from origins no app lists, is answered
 *     429 before anything is checked (preflights included);
 *  2. the launch string: bounded, then its app looked up (cached), then verified (mini-app/requests.ts);
 *  3. the request's `Origin` against its own app's list (a browser's request from elsewhere: 403, no CORS);
 *  4. the VK user's rate limit (VKP_MINI_APP_RATE_LIMIT), then the query, then the read.
 *
 * CORS is this plugin's own: the embedder CORS of /graphql (cors.ts) is switched off on these routes. A
 * preflight names no app, so it is allowed from any origin some app lists (mini-app/origins-index.ts).
 * Answers are per user and change with every payment: `Cache-Control: no-store`, and they vary with the
 * origin and the launch string.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { originMatcher } from '../apps/mini-app-origins.js';
import type { Config } from '../config.js';
import type { SqlQueries } from '../db/sql.js';
import { entitlements, findOrder, type Viewer } from '../mini-app/entitlements.js';
import type { OriginsIndex } from '../mini-app/origins-index.js';
import {
  authenticate,
  entitlementsQuery,
  LAUNCH_PARAMS_HEADER,
  MINI_APP_ERRORS,
  orderQuery,
  type MiniAppErrorCode,
  type Parsed,
} from '../mini-app/requests.js';
import type { AppRecord } from '../notifications/store.js';
import type { Metrics } from '../observability/metrics.js';
import { addressKey, createRateLimiter, type RateVerdict } from './rate-limit.js';

export const MINI_APP_PREFIX = '/mini-app/v1';

export interface MiniAppRouteOptions {
  sql: SqlQueries;
  /** The endpoint's cached lookups: the app with its keys and origins, and its testers. */
  findApp(vkAppId: number): Promise<Readonly<AppRecord> | null>;
  isPaymentTester(appId: number, vkUserId: number): Promise<boolean>;
  origins: OriginsIndex;
  config: Config['miniApp'];
  metrics: Pick<Metrics, 'countMiniApp'>;
  clientAddress(req: IncomingMessage): string | undefined;
  now?: () => Date;
}

type RouteName = 'entitlements' | 'order' | 'preflight';
type Outcome = 'ok' | MiniAppErrorCode;

/** How long a browser may keep a preflight's answer: the request itself is checked against its app every time. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;
const VARY = 'Origin, X-VK-Launch-Params';
const NO_CORS = { config: { cors: false } };

export function miniAppRoutes(app: FastifyInstance, options: MiniAppRouteOptions): Promise<void> {
  const { config, metrics, origins } = options;
  const now = options.now ?? (() => new Date());
  // Per instance, in memory, like the API's limit (rate-limit.ts). Addresses are bounded there; users are
  // keyed only once their launch string verified, so nobody can make up new ones.
  const refusals = createRateLimiter({ max: config.refusalsPerIpPerMinute });
  const users = createRateLimiter({ max: config.perUserPerMinute });

  function answer(req: FastifyRequest, reply: FastifyReply, route: RouteName, status: number, outcome: Outcome, body: unknown) {
    metrics.countMiniApp({ route, outcome });
    if (outcome !== 'ok') req.log.info({ miniApp: route, outcome, status }, 'mini app request refused');
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  }

  function refuse(
    req: FastifyRequest,
    reply: FastifyReply,
    route: RouteName,
    code: MiniAppErrorCode,
    extra: { field?: string; message?: string } = {},
  ) {
    const { status, message } = MINI_APP_ERRORS[code];
    const error = { code, message: extra.message ?? message, ...(extra.field && { field: extra.field }) };
    return answer(req, reply, route, status, code, { error });
  }

  function limited(req: FastifyRequest, reply: FastifyReply, route: RouteName, verdict: RateVerdict) {
    if (verdict.ok) return null;
    reply.header('retry-after', String(verdict.retryAfterSeconds));
    return refuse(req, reply, route, 'rate_limited');
  }

  /** Lets the page read an answer given before its app was known (a refusal) when some app lists its origin. */
  async function corsBeforeApp(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const origin = req.headers.origin;
    if (typeof origin === 'string' && (await origins.allows(origin).catch(() => false))) allowOrigin(reply, origin);
  }

  async function serve(
    req: FastifyRequest,
    reply: FastifyReply,
    route: RouteName,
    read: (viewer: Viewer) => Promise<Parsed<unknown> | null>,
  ) {
    reply.header('cache-control', 'no-store').header('vary', VARY);
    const ipKey = addressKey(options.clientAddress(req.raw));
    const cutOff = refusals.peek(ipKey);
    // No CORS lookup for an address already cut off: its requests must cost nothing but this check. The
    // page cannot read the 429 then, and needs not: it has been refused over and over by now.
    if (!cutOff.ok) return limited(req, reply, route, cutOff);
    try {
      const auth = await authenticate(
        req.headers[LAUNCH_PARAMS_HEADER],
        (vkAppId) => options.findApp(vkAppId),
        now(),
        config.launchParamsMaxAgeSeconds,
      );
      if (!auth.ok) {
        refusals.take(ipKey);
        await corsBeforeApp(req, reply);
        return refuse(req, reply, route, auth.code);
      }
      const origin = req.headers.origin;
      // No Origin: not a browser's cross-origin request (a server, a test); CORS has nothing to decide.
      if (typeof origin === 'string') {
        if (!originMatcher(auth.app.miniAppOrigins)(origin)) {
          refusals.take(ipKey);
          return refuse(req, reply, route, 'origin_not_allowed');
        }
        allowOrigin(reply, origin);
      }
      const refused = limited(req, reply, route, users.take(`${auth.app.vkAppId}:${auth.vkUserId}`));
      if (refused) return refused;
      const viewer: Viewer = {
        appId: auth.app.id,
        vkAppId: auth.app.vkAppId,
        vkUserId: auth.vkUserId,
        tester: await options.isPaymentTester(auth.app.id, auth.vkUserId),
      };
      const result = await read(viewer);
      if (!result) return refuse(req, reply, route, 'not_found');
      if (!result.ok) return refuse(req, reply, route, 'invalid_parameter', { field: result.field, message: result.message });
      return answer(req, reply, route, 200, 'ok', result.value);
    } catch (err) {
      // The database or a key that cannot be decrypted: ours to fix, nothing of it for the client.
      req.log.error({ err, miniApp: route }, 'mini app request failed');
      return refuse(req, reply, route, 'unavailable');
    }
  }

  app.get(`${MINI_APP_PREFIX}/entitlements`, NO_CORS, (req, reply) =>
    serve(req, reply, 'entitlements', async (viewer) => {
      const query = entitlementsQuery(req.query as Record<string, unknown>);
      return query.ok ? { ok: true, value: await entitlements(options.sql, viewer, query.value, now()) } : query;
    }),
  );

  app.get<{ Params: { orderId: string } }>(`${MINI_APP_PREFIX}/orders/:orderId`, NO_CORS, (req, reply) =>
    serve(req, reply, 'order', async (viewer) => {
      const query = orderQuery(req.params.orderId, req.query as Record<string, unknown>);
      if (!query.ok) return query;
      const order = await findOrder(options.sql, viewer, query.value.orderId, query.value.test);
      return order ? { ok: true, value: order } : null;
    }),
  );

  app.options(`${MINI_APP_PREFIX}/*`, NO_CORS, async (req, reply) => {
    reply.header('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    // A preflight is refused by address like the requests: a flood of refused origins is cut off before
    // it costs an origins lookup each (which reads every app's list while the bus cannot vouch for the cache).
    const ipKey = addressKey(options.clientAddress(req.raw));
    const cutOff = refusals.peek(ipKey);
    if (!cutOff.ok) return limited(req, reply, 'preflight', cutOff);
    const origin = req.headers.origin;
    let allowed: boolean;
    try {
      allowed = typeof origin === 'string' && (await origins.allows(origin));
    } catch (err) {
      req.log.error({ err, miniApp: 'preflight' }, 'mini app origins could not be read');
      return refuse(req, reply, 'preflight', 'unavailable');
    }
    if (!allowed) {
      refusals.take(ipKey);
      return refuse(req, reply, 'preflight', 'origin_not_allowed');
    }
    allowOrigin(reply, origin!);
    reply
      .header('access-control-allow-methods', 'GET')
      .header('access-control-allow-headers', 'X-VK-Launch-Params')
      .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
    metrics.countMiniApp({ route: 'preflight', outcome: 'ok' });
    return reply.code(204).send();
  });
  return Promise.resolve();
}

function allowOrigin(reply: FastifyReply, origin: string): void {
  // No credentials: the launch string is the only authentication, and it travels in a header.
  reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', 'Retry-After');
}
