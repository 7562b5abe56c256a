/**
 * The Fastify instance and what guards every connection before any route: timeouts for slow clients,
 * the trusted proxy, a cap on connections per address, plain answers to errors, `nosniff`.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';
import { capConnectionsPerAddress } from './connection-cap.js';
import { answerErrorsPlainly } from './error-answer.js';
import { noSniff } from './security-headers.js';
import { proxyPeer, type TrustFunction } from './trusted-proxy.js';

export function createHttp(config: Config, logger: FastifyServerOptions['logger'], trusted: TrustFunction): FastifyInstance {
  const { requestMs, headersMs, keepAliveMs } = config.timeouts;
  const http = Fastify({
    logger: logger ?? false,
    // One structured line per notification (route.ts) says more than two generic lines per request.
    logController: new LogController({ disableRequestLogging: true }),
    // `req.ip` is the client behind a trusted proxy (trusted-proxy.ts); the rate limit keys on it.
    trustProxy: trusted,
    // A client that sends slowly holds a connection: the whole request must arrive within VKP_REQUEST_TIMEOUT
    // (VK's own deadline is 10 s), its headers within VKP_HEADERS_TIMEOUT, and an idle
    // keep-alive connection closes after VKP_KEEPALIVE_TIMEOUT. Node checks the first two every
    // `connectionsCheckingInterval` (30 s by default, far too coarse for a 10 s limit).
    requestTimeout: requestMs,
    keepAliveTimeout: keepAliveMs,
    http: {
      requestTimeout: requestMs,
      headersTimeout: headersMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersMs / 4))),
    },
  });
  noSniff(http);
  answerErrorsPlainly(http);
  capConnectionsPerAddress(http.server, config.maxConnectionsPerIp, proxyPeer(config.trustProxy), (err) =>
    http.log.error({ err }, 'connection cap failed'),
  );
  // Node reports a failed accept (EMFILE when a flood of connections used up the file descriptors) as an
  // 'error' on the listening server, which would throw without a listener; the server keeps listening.
  http.server.on('error', (err) => http.log.error({ err }, 'HTTP server error'));
  return http;
}
