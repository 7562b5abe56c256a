import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from 'type-graphql';
import { getApp } from '../apps/apps.service.js';
import { Connection, PageArgs, paginate, type ConnectionShape } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { TransactionStatusEnum } from '../graphql/enums.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { transactionWhere } from './orders.service.js';
import { Transaction, type TransactionStatus } from './transaction.entity.js';

@InputType()
export class TransactionFilter {
  @Field(() => TransactionStatusEnum, { nullable: true })
  status?: TransactionStatus | null;

  @Field(() => Boolean, { nullable: true, description: 'true: only test payments; false: only real ones; unset: both.' })
  test?: boolean | null;

  @Field(() => Int, { nullable: true })
  vkUserId?: number | null;

  @Field(() => String, { nullable: true })
  itemId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Recorded at or after.' })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Recorded before.' })
  to?: Date | null;
}

export const TransactionConnection = Connection('Transaction', Transaction);

@Resolver(() => Transaction)
export class OrdersResolver {
  @Authorized('PAYMENTS')
  @Query(() => TransactionConnection, { description: 'Payments of the app, newest first.' })
  async transactions(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('filter', () => TransactionFilter, { nullable: true }) filter: TransactionFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() { em }: Context,
  ): Promise<ConnectionShape<Transaction>> {
    const app = await getApp(em, vkAppId);
    return paginate(em, Transaction, transactionWhere(app.id, filter ?? {}), page);
  }

  @FieldResolver(() => ID)
  id(@Root() t: Transaction): string {
    return String(t.id);
  }

  @FieldResolver(() => Int, { description: 'Our order id, as answered to VK (app_order_id).' })
  appOrderId(@Root() t: Transaction): number {
    return t.id;
  }
}
