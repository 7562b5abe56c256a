/**
 * The door of the API routes (GraphQL over HTTP and the CSV export): the bearer token is looked up once
 * per request, and the request is counted against its principal's allowance (or its address's, without
 * a valid token) before anything else is read (admission.ts: an address out of allowance is refused
 * before the lookup). GraphQL's context and the export reuse `req.caller`.
 *
 * Which routes: the route Fastify matched (`req.routeOptions.url`), never the raw URL, so `/%67raphql`
 * is the same route as `/graphql`. VK's endpoint is never one of them: a refusal would cost a sale.
 */
import type { EntityManager } from '@mikro-orm/core';
import { API_ERROR_CODES } from '@vk-payments/shared';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { bearerToken } from '../access/token-format.js';
import type { authenticate, Authentication } from '../keys/tokens.js';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { Admission, Admitted } from './admission.js';

/** Who sent a request to an API route, and the EntityManager the lookup used (the request's own). */
export interface Caller {
  em: EntityManager;
  auth: Authentication;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on API routes before the handler runs (api-gate.ts); null elsewhere. */
    caller: Caller | null;
  }
}

/** What the gate looks tokens up with: the API's, loaded after the endpoint already answers (http/api.ts). */
export interface ApiAccess {
  orm: Orm;
  authenticate: typeof authenticate;
}

export interface ApiGateOptions {
  /** Resolves once the API is loaded: a request that came sooner waits for it here. */
  access: () => Promise<ApiAccess>;
  config: Config;
  admission: Admission;
  graphqlPath: string;
}

export const EXPORT_PREFIX = '/export/';

const RATE_LIMITED_MESSAGE = 'too many requests: wait for the time in Retry-After';

/** Answers in the route's own error shape: GraphQL's `errors` list, or the export's `error` object. */
function refuse(reply: FastifyReply, graphql: boolean, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send(graphql ? { errors: [{ message, extensions: { code } }] } : { error: { code, message } });
}

/** Registers the gate on `http`; call before the API routes are registered. */
export function gateApi(http: FastifyInstance, { access, config, admission, graphqlPath }: ApiGateOptions): void {
  http.decorateRequest('caller', null);
  http.addHook('onRequest', async (req, reply) => {
    const route = req.routeOptions.url;
    const graphql = route === graphqlPath;
    if (!graphql && !route?.startsWith(EXPORT_PREFIX)) return;
    // A CORS preflight carries no token and runs nothing: a browser sends one before its real requests.
    if (req.method === 'OPTIONS') return;
    let em: EntityManager;
    let admitted: Admitted;
    try {
      const { orm, authenticate } = await access();
      em = orm.em.fork();
      admitted = await admission.admit(bearerToken(req.headers.authorization), req.ip, (token) =>
        authenticate(em, token, config.adminToken),
      );
    } catch (err) {
      req.log.error({ err }, 'authentication failed to run');
      return refuse(reply, graphql, 500, API_ERROR_CODES.INTERNAL_SERVER_ERROR, 'Internal server error');
    }
    if (!admitted.ok) {
      reply.header('retry-after', String(admitted.retryAfterSeconds));
      return refuse(reply, graphql, 429, API_ERROR_CODES.RATE_LIMITED, RATE_LIMITED_MESSAGE);
    }
    req.caller = { em, auth: admitted.auth };
  });
}
