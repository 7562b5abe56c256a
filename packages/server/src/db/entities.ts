import { App } from '../apps/app.entity.js';
import { ApiKey } from '../keys/api-key.entity.js';
import { WidgetSession } from '../keys/widget-session.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { ModerationRequest } from '../moderation/moderation-request.entity.js';
import { PaymentTester } from '../settings/payment-tester.entity.js';
import { CatalogItem } from '../catalog/catalog-item.entity.js';
import { Sellable } from '../catalog/sellable.entity.js';
import { SubscriptionPlan } from '../catalog/subscription-plan.entity.js';
import { NotificationLog } from '../logs/notification-log.entity.js';
import { Transaction } from '../orders/transaction.entity.js';
import { Subscription } from '../subscriptions/subscription.entity.js';
import { SubscriptionEvent } from '../subscriptions/subscription-event.entity.js';
import { FulfilmentAttempt, FulfilmentDelivery, FulfilmentEndpoint } from '../fulfilment/fulfilment.entity.js';

/** Listed as classes: MikroORM's folder discovery does not work in an ESM package. */
export const ENTITIES = [
  App,
  ApiKey,
  WidgetSession,
  PaymentTester,
  ModerationRequest,
  AuditEvent,
  Sellable,
  CatalogItem,
  SubscriptionPlan,
  Transaction,
  Subscription,
  SubscriptionEvent,
  NotificationLog,
  FulfilmentEndpoint,
  FulfilmentDelivery,
  FulfilmentAttempt,
];
