import type { ObjectQuery } from '@mikro-orm/core';
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, InputType, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { getApp } from '../apps/apps.service.js';
import { Connection, PageArgs, paginate } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { TransactionStatusEnum } from '../graphql/enums.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { summarizeTransactions, transactionWhere } from './orders.service.js';
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

@ObjectType('MoneyTotal')
export class MoneyTotal {
  @Field(() => Int)
  count!: number;

  @Field(() => Int, { description: 'Sum of prices, in votes.' })
  votes!: number;
}

@ObjectType('TransactionSummary', {
  description: "Totals of every transaction the filter matches (all pages), as VK's Transactions tabs show them.",
})
export class TransactionSummary {
  @Field(() => Int, { description: 'Transactions matched (the same as totalCount).' })
  count!: number;

  @Field(() => Int, { description: 'Votes of every matched transaction, refunded or not.' })
  votes!: number;

  @Field(() => MoneyTotal, { description: 'Credits: every matched payment (votes in).' })
  credits!: MoneyTotal;

  @Field(() => MoneyTotal, { description: 'Deductions: the matched payments that were refunded (votes out).' })
  refunds!: MoneyTotal;

  @Field(() => Int, { description: 'credits.votes − refunds.votes.' })
  net!: number;
}

/**
 * The `TransactionConnection` of Connection(), plus `summary`; it takes over the name (the base class is
 * referenced by nothing, so only this type reaches the schema, and `TransactionEdge` keeps its name).
 * It keeps the filter it was built from so the aggregate query runs only when a client asks for
 * `summary` (scripts polling for new payments don't).
 */
@ObjectType('TransactionConnection')
export class TransactionConnection extends Connection('Transaction', Transaction) {
  filterWhere!: ObjectQuery<Transaction>;

  @Field(() => TransactionSummary, {
    description: 'Totals over every page of the filtered set. Votes sums beyond 2^31−1 are refused (BAD_USER_INPUT).',
  })
  summary(@Ctx() { em }: Context): Promise<TransactionSummary> {
    return summarizeTransactions(em, this.filterWhere);
  }
}

@Resolver(() => Transaction)
export class OrdersResolver {
  @Authorized('PAYMENTS')
  @Query(() => TransactionConnection, { description: 'Payments of the app, newest first.' })
  async transactions(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('filter', () => TransactionFilter, { nullable: true }) filter: TransactionFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() { em }: Context,
  ): Promise<TransactionConnection> {
    const filterWhere = transactionWhere((await getApp(em, vkAppId)).id, filter ?? {});
    return Object.assign(new TransactionConnection(), await paginate(em, Transaction, filterWhere, page), { filterWhere });
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
