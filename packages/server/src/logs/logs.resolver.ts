import type { NotificationKind } from '@vk-payments/shared';
import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Info,
  InputType,
  Int,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { Connection, PageArgs, selectsTotalCount, type ConnectionShape } from '../graphql/connection.js';
import { authorize, authorizeRecord } from '../graphql/authorize.js';
import type { Context } from '../graphql/context.js';
import { NotificationTypeEnum } from '../graphql/enums.js';
import { notFound, recordId } from '../graphql/errors.js';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars.js';
import { LOG_TOPIC, type LoggedRow } from './live.js';
import { logPage } from './log-page.js';
import { matchesLogFilter } from './logs.service.js';
import { NotificationLog } from './notification-log.entity.js';

@InputType()
export class NotificationLogFilter {
  @Field(() => [NotificationTypeEnum], { nullable: true })
  types?: NotificationKind[] | null;

  @Field(() => Boolean, { nullable: true })
  test?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'Only answers with this VK error code.' })
  errorCode?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'true: successes only; false: errors only.' })
  ok?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'true: only rows with a warning (e.g. a _test notification from a non-tester).' })
  warning?: boolean | null;

  @Field(() => Int, { nullable: true })
  vkUserId?: number | null;

  @Field(() => String, { nullable: true })
  orderId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  to?: Date | null;
}

interface LiveArgs {
  vkAppId: number;
  filter?: NotificationLogFilter | null;
}

/**
 * The rows a filter lets through. An iterator, not an async generator: a generator's return() waits for
 * its pending next(), i.e. for the app's next row, so an unsubscribe would leave its listener until then.
 */
function filtered(rows: AsyncIterable<LoggedRow | NotificationLog>, filter: NotificationLogFilter): AsyncIterableIterator<unknown> {
  const source = rows[Symbol.asyncIterator]();
  return {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done || matchesLogFilter(r.value, filter)) return r;
      }
    },
    return: async () => (await source.return?.()) ?? { done: true, value: undefined },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

export const NotificationLogConnection = Connection('NotificationLog', NotificationLog);

/**
 * What the field resolvers below read of a row. A type, not the class: type-graphql turns a root that is
 * not an instance of a `@Root()` parameter's class into one, on every call, with `new NotificationLog()`,
 * which the ORM's per-property accessors make cost ~50 µs; the log page's rows are plain (log-page.ts).
 */
type LogRow = Pick<NotificationLog, 'id' | 'errorCode' | 'response'>;

@Resolver(() => NotificationLog)
export class LogsResolver {
  @Authorized('PAYMENTS')
  @Query(() => NotificationLogConnection, { description: 'Requests VK sent to the endpoint and our answers, newest first.' })
  async notificationLogs(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('filter', () => NotificationLogFilter, { nullable: true }) filter: NotificationLogFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() { em }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<NotificationLog>> {
    return logPage(em, { vkAppId, filter: filter ?? {}, page, withCount: selectsTotalCount(info) });
  }

  @Authorized('PAYMENTS')
  @Query(() => NotificationLog)
  async notificationLog(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<NotificationLog> {
    const row = await ctx.em.findOne(NotificationLog, { id: recordId(id, 'a notification log') }, { populate: ['app'] });
    const missing = () => notFound(`notification log ${id}`);
    if (!row) throw missing();
    // Rows of unknown apps belong to no app: only root reads them.
    authorizeRecord(ctx, row.app ? 'PAYMENTS' : 'ROOT', row.app?.vkAppId ?? null, missing);
    return row;
  }

  @Subscription(() => NotificationLog, {
    description:
      'Every request to the notification endpoint for this app, as it is logged (after our answer is committed); ' +
      'with a filter, those notificationLogs would list with it.',
    // Authorised once, when the subscription starts: the same rule as notificationLogs.
    subscribe: ({ args, context }: SubscribeResolverData<unknown, LiveArgs, Context>) => {
      authorize(context, 'PAYMENTS', args.vkAppId);
      const rows = context.pubSub.subscribe(LOG_TOPIC, args.vkAppId) as AsyncIterable<LoggedRow | NotificationLog>;
      return args.filter ? filtered(rows, args.filter) : rows;
    },
  })
  notificationLogged(
    @Root() row: LoggedRow | NotificationLog,
    @Arg('vkAppId', () => Int) _vkAppId: number,
    @Arg('filter', () => NotificationLogFilter, { nullable: true }) _filter: NotificationLogFilter | null,
  ): NotificationLog {
    // Rows this instance wrote come as written (live.ts); rows of other instances were read as entities.
    return row instanceof NotificationLog ? row : Object.assign(new NotificationLog(), { ...row, app: null });
  }

  @FieldResolver(() => ID)
  id(@Root() row: LogRow): string {
    return String(row.id);
  }

  @FieldResolver(() => Boolean, { description: 'True when we answered with a response, not an error.' })
  ok(@Root() row: LogRow): boolean {
    return row.errorCode === null;
  }

  @FieldResolver(() => JSONScalar, { description: 'Our answer exactly as sent, parsed.' })
  response(@Root() row: LogRow): unknown {
    return JSON.parse(row.response);
  }
}
