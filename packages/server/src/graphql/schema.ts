/**
 * Schema assembly: every module's resolver, one authChecker. For now every operation needs the root
 * token (the role matrix of DESIGN.md §7 arrives with API keys).
 */
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type AuthChecker } from 'type-graphql';
import { AppsResolver } from '../apps/apps.resolver.js';
import { CatalogResolver } from '../catalog/catalog.resolver.js';
import { LogsResolver } from '../logs/logs.resolver.js';
import { OrdersResolver } from '../orders/orders.resolver.js';
import { SubscriptionsResolver } from '../subscriptions/subscriptions.resolver.js';
import type { Context } from './context.js';
import { ApiError } from './errors.js';

export const authChecker: AuthChecker<Context> = ({ context }) => {
  if (!context.principal) {
    throw new ApiError('UNAUTHENTICATED', context.authError ?? 'send a bearer token in the Authorization header');
  }
  if (context.principal.kind !== 'root') throw new ApiError('FORBIDDEN', 'this token may not do that');
  return true;
};

export const RESOLVERS = [AppsResolver, CatalogResolver, OrdersResolver, SubscriptionsResolver, LogsResolver] as const;

export function buildGraphqlSchema(emitSchemaFile?: string): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    validate: false,
    ...(emitSchemaFile && { emitSchemaFile }),
  });
}
