/**
 * Schema assembly: every module's resolver, and the one authChecker (graphql/authorize.ts).
 */
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { AlertsResolver } from '../alerts/alerts.resolver.js';
import { AppsResolver } from '../settings/apps.resolver.js';
import { AuditResolver } from '../audit/audit.resolver.js';
import { AccessResolver } from '../keys/access.resolver.js';
import { authChecker } from './authorize.js';
import { CustomersResolver } from '../customers/customers.resolver.js';
import { CatalogResolver } from '../catalog/catalog.resolver.js';
import { DevtoolsResolver } from '../devtools/devtools.resolver.js';
import { FulfilmentDeliveryResolver, FulfilmentEndpointResolver } from '../fulfilment/fulfilment.resolver.js';
import { FulfilmentEventResolver } from '../fulfilment/listen.resolver.js';
import { LogsResolver } from '../logs/logs.resolver.js';
import { ModerationResolver } from '../moderation/moderation.resolver.js';
import { OrdersResolver } from '../orders/orders.resolver.js';
import { PaymentTesterResolver, SettingsResolver } from '../settings/settings.resolver.js';
import { StatsResolver } from '../stats/stats.resolver.js';
import { SubscriptionsResolver } from '../subscriptions/subscriptions.resolver.js';

export const RESOLVERS = [
  AppsResolver,
  AccessResolver,
  AuditResolver,
  SettingsResolver,
  PaymentTesterResolver,
  CatalogResolver,
  OrdersResolver,
  SubscriptionsResolver,
  StatsResolver,
  LogsResolver,
  ModerationResolver,
  DevtoolsResolver,
  FulfilmentEndpointResolver,
  FulfilmentDeliveryResolver,
  CustomersResolver,
  AlertsResolver,
  FulfilmentEventResolver,
] as const;

export function buildGraphqlSchema(pubSub: PubSub, emitSchemaFile?: string): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    pubSub,
    validate: false,
    ...(emitSchemaFile && { emitSchemaFile }),
  });
}
