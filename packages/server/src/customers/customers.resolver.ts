/**
 * `customer(vkAppId, vkUserId)`: one user's page for support. Who may read it is who may read the app's
 * transactions and log (PAYMENTS); its lists are those very lists narrowed to the user, so they take the
 * same filters and pages — a filter's own `vkUserId` is overridden by the customer's.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { getApp } from '../apps/apps.service.js';
import { PageArgs, paginate, selectsTotalCount, type ConnectionShape } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { FulfilmentDeliveryConnection } from '../fulfilment/fulfilment.resolver.js';
import type { FulfilmentDelivery } from '../fulfilment/fulfilment.entity.js';
import { logPage } from '../logs/log-page.js';
import { NotificationLogConnection, NotificationLogFilter } from '../logs/logs.resolver.js';
import type { NotificationLog } from '../logs/notification-log.entity.js';
import { TransactionConnection, TransactionFilter } from '../orders/orders.resolver.js';
import { transactionWhere } from '../orders/orders.service.js';
import { Transaction } from '../orders/transaction.entity.js';
import { Subscription } from '../subscriptions/subscription.entity.js';
import { SubscriptionConnection, SubscriptionFilter } from '../subscriptions/subscriptions.resolver.js';
import { subscriptionWhere } from '../subscriptions/subscriptions.service.js';
import { Customer, CustomerTotals } from './customer.types.js';
import { assertVkId, customerDeliveries, customerTotals } from './customers.service.js';

@Resolver(() => Customer)
export class CustomersResolver {
  @Authorized('PAYMENTS')
  @Query(() => Customer, { description: 'One VK user of the app: totals, orders, subscriptions, notifications, deliveries.' })
  async customer(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('vkUserId', () => Int) vkUserId: number,
    @Ctx() { em }: Context,
  ): Promise<Customer> {
    assertVkId(vkAppId, 'vkAppId');
    assertVkId(vkUserId, 'vkUserId');
    const app = await getApp(em, vkAppId);
    return Object.assign(new Customer(), { vkAppId, vkUserId, appId: app.id });
  }

  @FieldResolver(() => CustomerTotals, { description: 'Real payments only by default; test: true sums the test payments alone.' })
  totals(
    @Root() c: Customer,
    @Arg('test', () => Boolean, { defaultValue: false }) test: boolean,
    @Ctx() { em }: Context,
  ): Promise<CustomerTotals> {
    return customerTotals(em, c.appId, c.vkUserId, test);
  }

  @FieldResolver(() => TransactionConnection, { description: "The user's payments, newest first (as `transactions`)." })
  async orders(
    @Root() c: Customer,
    @Arg('filter', () => TransactionFilter, { nullable: true }) filter: TransactionFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() { em }: Context,
  ): Promise<TransactionConnection> {
    const filterWhere = transactionWhere(c.appId, { ...filter, vkUserId: c.vkUserId });
    return Object.assign(new TransactionConnection(), await paginate(em, Transaction, filterWhere, page), { filterWhere });
  }

  @FieldResolver(() => SubscriptionConnection, { description: "The user's subscriptions, newest first (as `subscriptions`)." })
  subscriptions(
    @Root() c: Customer,
    @Arg('filter', () => SubscriptionFilter, { nullable: true }) filter: SubscriptionFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() { em }: Context,
  ): Promise<ConnectionShape<Subscription>> {
    return paginate(em, Subscription, subscriptionWhere(c.appId, { ...filter, vkUserId: c.vkUserId }), page);
  }

  @FieldResolver(() => NotificationLogConnection, {
    description: "VK's notifications about the user, newest first (as `notificationLogs`).",
  })
  notifications(
    @Root() c: Customer,
    @Arg('filter', () => NotificationLogFilter, { nullable: true }) filter: NotificationLogFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() { em }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<NotificationLog>> {
    const narrowed = { ...filter, vkUserId: c.vkUserId };
    return logPage(em, { vkAppId: c.vkAppId, filter: narrowed, page, withCount: selectsTotalCount(info) });
  }

  @FieldResolver(() => FulfilmentDeliveryConnection, { description: 'Events about the user for the game backend, newest first.' })
  deliveries(
    @Root() c: Customer,
    @Arg('status', () => String, { nullable: true, description: 'pending, delivered or failed.' }) status: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() { em }: Context,
  ): Promise<ConnectionShape<FulfilmentDelivery>> {
    return customerDeliveries(em, c.appId, c.vkUserId, status, page);
  }
}
