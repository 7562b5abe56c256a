import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { getApp } from '../apps/apps.service.js';
import { authorize } from '../graphql/authorize.js';
import { actorAsSeenBy, decide } from '../access/permissions.js';
import { Connection, PageArgs, paginate, type ConnectionShape } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { JSONScalar } from '../graphql/scalars.js';
import { AuditEvent } from './audit-event.entity.js';

export const AuditEventConnection = Connection('AuditEvent', AuditEvent);

/** Events about API keys: access management, which only CREATOR and ADMIN see (ARCHITECTURE.md §5). */
const KEY_ACTIONS = ['apikey.create', 'apikey.revoke'];

/** A recorded value that is itself an actor text (who added a tester that was later removed). */
const withActorsAsSeenBy = (ctx: Context, value: Record<string, unknown> | null): Record<string, unknown> | null =>
  value && typeof value.addedBy === 'string' ? { ...value, addedBy: actorAsSeenBy(ctx.principal, value.addedBy) } : value;

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Authorized('PAYMENTS')
  @Query(() => AuditEventConnection, {
    description: 'Who changed what in this app, newest first. API key events only for CREATOR and ADMIN.',
  })
  async auditEvents(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<AuditEvent>> {
    const principal = authorize(ctx, 'PAYMENTS', vkAppId);
    const app = await getApp(ctx.em, vkAppId);
    const seesKeys = decide(principal, 'MANAGE_ACCESS', vkAppId).ok;
    return paginate(ctx.em, AuditEvent, seesKeys ? { app: app.id } : { app: app.id, action: { $nin: KEY_ACTIONS } }, page);
  }

  @FieldResolver(() => ID)
  id(@Root() e: AuditEvent): string {
    return String(e.id);
  }

  @FieldResolver(() => String, { description: 'Who did it; API key labels only for CREATOR and ADMIN.' })
  actor(@Root() e: AuditEvent, @Ctx() ctx: Context): string {
    return actorAsSeenBy(ctx.principal, e.actor);
  }

  @FieldResolver(() => JSONScalar, { nullable: true })
  before(@Root() e: AuditEvent, @Ctx() ctx: Context): Record<string, unknown> | null {
    return withActorsAsSeenBy(ctx, e.before);
  }
}
