import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { getApp } from '../apps/apps.service.js';
import { authorize, authorizeRecord } from '../graphql/authorize.js';
import { actorAsSeenBy } from '../access/permissions.js';
import { Connection, PageArgs, type ConnectionShape } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { ModerationDecisionEnum, ModerationStatusEnum } from '../graphql/enums.js';
import { ModerationRequest, type ModerationStatus } from './moderation-request.entity.js';
import {
  appOf,
  checkPreflight,
  decideRequest,
  findRequest,
  requestNotFound,
  listRequests,
  moderationQueue,
  submitRequest,
  withdrawRequest,
  type ModerationDecision,
} from './moderation.service.js';
import { ModerationPreflight, ModerationRequestInput } from './moderation.types.js';

export const ModerationRequestConnection = Connection('ModerationRequest', ModerationRequest);

/** GraphQL for the votes-payments application (moderation requests). */
@Resolver(() => ModerationRequest)
export class ModerationResolver {
  @Authorized('MODERATION_READ')
  @Query(() => [ModerationRequest], { description: "The app's applications to accept votes, newest first." })
  async moderationRequests(@Arg('vkAppId', () => Int) vkAppId: number, @Ctx() { em }: Context): Promise<ModerationRequest[]> {
    return listRequests(em, await getApp(em, vkAppId));
  }

  @Authorized('MODERATION_DECIDE')
  @Query(() => ModerationRequestConnection, {
    description: 'Applications of every app with this status (moderators): pending ones oldest first, others newest first.',
  })
  moderationQueue(
    @Arg('status', () => ModerationStatusEnum, { nullable: true, defaultValue: 'PENDING' }) status: ModerationStatus | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<ModerationRequest>> {
    return moderationQueue(ctx.em, authorize(ctx, 'MODERATION_DECIDE', null), status ?? 'PENDING', page);
  }

  @Authorized('MODERATION_READ')
  @Query(() => ModerationPreflight, { description: 'What to have in place before applying for votes payments.' })
  async votesPaymentsPreflight(@Arg('vkAppId', () => Int) vkAppId: number, @Ctx() { em }: Context): Promise<ModerationPreflight> {
    return checkPreflight(em, await getApp(em, vkAppId));
  }

  @Authorized('PAYMENTS')
  @Mutation(() => ModerationRequest, {
    description: 'Applies for votes payments. Needs the notification URL; one pending application per app.',
  })
  async submitModerationRequest(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('input', () => ModerationRequestInput) input: ModerationRequestInput,
    @Ctx() ctx: Context,
  ): Promise<ModerationRequest> {
    return submitRequest(ctx.em, authorize(ctx, 'PAYMENTS', vkAppId), await getApp(ctx.em, vkAppId), input);
  }

  @Authorized('PAYMENTS')
  @Mutation(() => ModerationRequest, { description: 'Takes back a pending application.' })
  async withdrawModerationRequest(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ModerationRequest> {
    const request = await findRequest(ctx.em, id);
    return withdrawRequest(
      ctx.em,
      authorizeRecord(ctx, 'PAYMENTS', request.app.vkAppId, () => requestNotFound(id)),
      request,
    );
  }

  @Authorized('MODERATION_DECIDE')
  @Mutation(() => ModerationRequest, {
    description: 'Approves (turns votes payments on) or rejects (a comment is required) a pending application.',
  })
  async decideModerationRequest(
    @Arg('id', () => ID) id: string,
    @Arg('decision', () => ModerationDecisionEnum) decision: ModerationDecision,
    @Arg('comment', () => String, { nullable: true }) comment: string | null,
    @Ctx() ctx: Context,
  ): Promise<ModerationRequest> {
    const request = await findRequest(ctx.em, id);
    return decideRequest(
      ctx.em,
      authorizeRecord(ctx, 'MODERATION_DECIDE', request.app.vkAppId, () => requestNotFound(id)),
      request,
      decision,
      comment,
    );
  }

  @FieldResolver(() => ID)
  id(@Root() request: ModerationRequest): string {
    return String(request.id);
  }

  // A platform moderator reads every app's applications: API key labels stay with the app's CREATOR/ADMIN.
  @FieldResolver(() => String)
  submittedBy(@Root() request: ModerationRequest, @Ctx() ctx: Context): string {
    return actorAsSeenBy(ctx.principal, request.submittedBy);
  }

  @FieldResolver(() => String, { nullable: true })
  decidedBy(@Root() request: ModerationRequest, @Ctx() ctx: Context): string | null {
    return request.decidedBy === null ? null : actorAsSeenBy(ctx.principal, request.decidedBy);
  }

  @FieldResolver(() => Int)
  async vkAppId(@Root() request: ModerationRequest): Promise<number> {
    return (await appOf(request)).vkAppId;
  }

  @FieldResolver(() => String)
  async appName(@Root() request: ModerationRequest): Promise<string> {
    return (await appOf(request)).name;
  }

  @FieldResolver(() => ModerationPreflight, { description: "The app's readiness now (not when the request was sent)." })
  async preflight(@Root() request: ModerationRequest, @Ctx() { em }: Context): Promise<ModerationPreflight> {
    return checkPreflight(em, await appOf(request));
  }
}
