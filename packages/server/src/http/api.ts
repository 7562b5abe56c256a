/**
 * The admin API: the ORM, GraphQL over HTTP and WebSocket, what the CSV export and the API gate need,
 * and the log retention job. Loaded after the endpoint already answers VK (http/server.ts): the ORM,
 * type-graphql and Apollo are most of a cold start, and VK's notifications need none of them. Its
 * routes were declared at start and wait for it.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import type { EntityManager } from '@mikro-orm/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, RawServerDefault, RouteGenericInterface, RouteHandlerMethod } from 'fastify';
import type { Principal } from '../access/permissions.js';
import type { Bus } from '../cluster/bus.js';
import { settleAfterMutations } from '../cluster/settle-plugin.js';
import { authenticate } from '../keys/tokens.js';
import type { Config } from '../config.js';
import { openOrm } from '../db/orm.js';
// Loaded here, with the ORM, so the first download does not wait for it (export.route.ts).
import '../export/export.csv.js';
import type { Context } from '../graphql/context.js';
import { formatError } from '../graphql/errors.js';
import { RESEND_FAILED_COOLDOWN_MS } from '../fulfilment/fulfilment.service.js';
import { buildGraphqlSchema } from '../graphql/schema.js';
import { callerRulesPlugin, LIMIT_RULES, PARSE_OPTIONS } from '../graphql/validation.js';
import { attachGraphqlWebSocket } from './websocket.js';
import type { LivePubSub } from '../logs/live.js';
import { scheduleRetention } from '../logs/retention.js';
import type { Outbound } from '../net/outbound.js';
import type { ProcessNotification } from '../notifications/route.js';
import type { NotificationStore } from '../notifications/store.js';
import { graphqlMetricsPlugin } from '../observability/graphql-metrics.js';
import type { Metrics } from '../observability/metrics.js';
import type { Secrets } from '../secrets/secrets.js';
import type { ApiAccess } from './api-gate.js';
import type { Admission } from './admission.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';

export interface ApiOptions {
  http: FastifyInstance;
  config: Config;
  secrets: Secrets;
  graphqlPath: string;
  pubSub: LivePubSub;
  metrics: Metrics;
  limiter: RateLimiter;
  admission: Admission;
  /** The client's address as HTTP's `req.ip` gives it (trusted-proxy.ts). */
  clientAddress: (req: IncomingMessage) => string | undefined;
  /** Where this server is reached: known once it listens. */
  baseUrl: () => string;
  processNotification: ProcessNotification;
  notificationStore: NotificationStore;
  fulfilment: { poke(): void };
  outbound: Outbound;
  liveRecheckMs: number;
  /** The cluster bus: a mutation's answer waits until this instance has heard its own change (settle-plugin.ts). */
  bus: Bus;
}

/** The GraphQL route as Apollo's handler types it: what it answers is text. */
export interface GraphqlRoute extends RouteGenericInterface {
  Reply: string;
}

export interface Api extends ApiAccess {
  /** GraphQL over HTTP, for the route declared at start. */
  graphql: RouteHandlerMethod<RawServerDefault, IncomingMessage, ServerResponse, GraphqlRoute>;
  /** Looks the tokens of the open sockets up again now (a revocation on any instance: cluster/follow.ts). */
  recheckSockets(): void;
  /** Stops what runs on its own (retention, WebSockets); the ORM is closed by the server, last. */
  stop(): Promise<void>;
}

export async function loadApi(o: ApiOptions): Promise<Api> {
  const { http, config } = o;
  const orm = await openOrm(config.database, { poolSize: config.pgPoolSize });
  try {
    // Per instance, as the API's rate limit: behind a balancer each instance allows one call a window.
    const resendCooldown = createRateLimiter({ max: 1, windowMs: RESEND_FAILED_COOLDOWN_MS });
    /** The context of one operation: the caller was authenticated once, by the API gate or the socket. */
    const context = (em: EntityManager, auth: { principal: Principal | null; reason?: string | null }): Context => ({
      em,
      config,
      secrets: o.secrets,
      baseUrl: o.baseUrl(),
      pubSub: o.pubSub,
      processNotification: (rawBody: string) => o.processNotification(rawBody, http.log),
      notificationStore: o.notificationStore,
      fulfilment: o.fulfilment,
      resendCooldown,
      outbound: o.outbound,
      principal: auth.principal,
      ...(auth.principal === null && auth.reason && { authError: auth.reason }),
    });
    const authenticateToken = (token: string | undefined) => authenticate(orm.em.fork(), token, config.adminToken);
    const maskError = (formatted: Parameters<typeof formatError>[0], error: unknown) =>
      formatError(formatted, error, (err) => http.log.error({ err }, 'GraphQL resolver failed'));

    const schema = await buildGraphqlSchema(o.pubSub);
    const apollo = new ApolloServer<Context>({
      schema,
      // No landing page at GET /graphql: Apollo's loads scripts from its CDN, which would then run on
      // this origin, the admin page's (whose tab keeps the token in sessionStorage).
      plugins: [
        ApolloServerPluginLandingPageDisabled(),
        fastifyApolloDrainPlugin(http),
        graphqlMetricsPlugin(o.metrics),
        callerRulesPlugin,
        settleAfterMutations(o.bus),
      ],
      // The same rules as graphql-ws (graphql/validation.ts); those that depend on the caller run in callerRulesPlugin.
      parseOptions: PARSE_OPTIONS,
      validationRules: [...LIMIT_RULES],
      // Every default Apollo takes from NODE_ENV is decided here: `pnpm start` leaves NODE_ENV unset, and the
      // default run is the production run. Stack traces in answers only with VKP_DEBUG; introspection on, as
      // under `pnpm start` so far (who may use it is for validation to decide); and Apollo
      // leaves SIGINT/SIGTERM to cli/serve.ts (its own handler would re-raise the signal mid-drain).
      includeStacktraceInErrorResponses: config.debug,
      introspection: true,
      stopOnTerminationSignals: false,
      // Apollo's CSRF prevention stays on (its default): a GET or a simple POST needs a preflight header.
      formatError: maskError,
    });
    await apollo.start();
    const graphql = fastifyApolloHandler(apollo, {
      // The API gate looked the token up and counted the request (api-gate.ts). Without it, nothing runs: a
      // second lookup here would be a path around the rate limit.
      context: (req) => {
        if (!req.caller) return Promise.reject(new Error('GraphQL request without the API gate (api-gate.ts)'));
        return Promise.resolve(context(req.caller.em, req.caller.auth));
      },
    });
    const retention = scheduleRetention(orm, { days: config.logRetentionDays, unverifiedDays: config.unverifiedLogRetentionDays }, (err) =>
      http.log.error({ err }, 'log retention failed'),
    );
    const ws = attachGraphqlWebSocket({
      server: http.server,
      path: o.graphqlPath,
      schema,
      authenticate: authenticateToken,
      context: (principal) => context(orm.em.fork(), { principal }),
      limiter: o.limiter,
      admission: o.admission,
      clientAddress: o.clientAddress,
      formatError: (error) => maskError(error.toJSON(), error),
      recheckMs: o.liveRecheckMs,
      onError: (err, what) => http.log.error({ err }, what),
      allowedOrigins: config.corsOrigins,
      debug: config.debug,
    });
    return {
      orm,
      authenticate,
      graphql,
      recheckSockets: () => ws.recheckSoon(),
      async stop() {
        retention.stop();
        await ws.close();
      },
    };
  } catch (err) {
    await orm.close();
    throw err;
  }
}
