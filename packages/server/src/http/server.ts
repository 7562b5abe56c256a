/**
 * Fastify assembly: the notification endpoint, GraphQL, health probes. Opening the database and
 * migrating happen here too, so a server is never up on an unmigrated schema.
 */
import { ApolloServer } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { authenticate, bearerToken } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { migrate, openOrm, type Orm } from '../db/orm.js';
import type { Context } from '../graphql/context.js';
import { formatError } from '../graphql/errors.js';
import { buildGraphqlSchema } from '../graphql/schema.js';
import { createOrmStore } from '../notifications/orm-store.js';
import { notificationRoute } from '../notifications/route.js';
import { exportRoutes } from '../export/export.route.js';

export interface VkPaymentsServer {
  http: FastifyInstance;
  orm: Orm;
  config: Config;
  /** Listens on config.host:config.port (0 = any free port); returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface ServerOptions {
  logger?: FastifyServerOptions['logger'];
}

export async function createServer(config: Config, options: ServerOptions = {}): Promise<VkPaymentsServer> {
  const orm = await openOrm(config.database);
  try {
    await migrate(orm);
    const http = Fastify({ logger: options.logger ?? false });
    let baseUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;

    await http.register(notificationRoute, { store: createOrmStore(orm) });
    await http.register(exportRoutes, { orm, config });

    http.get('/healthz', async () => ({ status: 'ok' }));
    http.get('/readyz', async (_req, reply) => {
      try {
        await orm.em.getConnection().execute('select 1');
        return { status: 'ready' };
      } catch {
        return reply.code(503).send({ status: 'database unreachable' });
      }
    });

    const apollo = new ApolloServer<Context>({
      schema: await buildGraphqlSchema(),
      plugins: [fastifyApolloDrainPlugin(http)],
      formatError: (formatted, error) => formatError(formatted, error, (err) => http.log.error({ err }, 'GraphQL resolver failed')),
    });
    await apollo.start();
    await http.register(fastifyApollo(apollo), {
      context: async (req): Promise<Context> => {
        const em = orm.em.fork();
        const token = bearerToken(req.headers.authorization);
        const auth = await authenticate(em, token, config.adminToken);
        return {
          em,
          config,
          baseUrl,
          principal: auth.principal,
          ...(auth.principal === null && auth.reason !== null && { authError: auth.reason }),
        };
      },
    });

    return {
      http,
      orm,
      config,
      async listen() {
        await http.listen({ port: config.port, host: config.host });
        const address = http.server.address();
        const port = typeof address === 'object' && address ? address.port : config.port;
        const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
        baseUrl = config.publicUrl ?? url;
        return url;
      },
      async close() {
        await http.close();
        await orm.close();
      },
    };
  } catch (err) {
    await orm.close();
    throw err;
  }
}
