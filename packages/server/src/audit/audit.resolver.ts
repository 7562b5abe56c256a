import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { getApp } from '../apps/apps.service.js';
import { Connection, PageArgs, paginate, type ConnectionShape } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { AuditEvent } from './audit-event.entity.js';

export const AuditEventConnection = Connection('AuditEvent', AuditEvent);

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Authorized('PAYMENTS')
  @Query(() => AuditEventConnection, { description: 'Who changed what in this app, newest first.' })
  async auditEvents(@Arg('vkAppId', () => Int) vkAppId: number, @Args(() => PageArgs) page: PageArgs, @Ctx() { em }: Context): Promise<ConnectionShape<AuditEvent>> {
    const app = await getApp(em, vkAppId);
    return paginate(em, AuditEvent, { app: app.id }, page);
  }

  @FieldResolver(() => ID)
  id(@Root() e: AuditEvent): string {
    return String(e.id);
  }
}
