/**
 * GraphQL for fulfilment: the app's game-backend webhook (its signing secret shown once, when created
 * or rotated), the delivery log with its attempts, and resending one delivery or every failed one. The
 * logic is in fulfilment.service.ts.
 */
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { getApp } from '../apps/apps.service.js';
import { authorizeRecord } from '../graphql/authorize.js';
import type { Context } from '../graphql/context.js';
import { Connection, PageArgs, type ConnectionShape } from '../graphql/connection.js';
import { notFound, recordId } from '../graphql/errors.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { DEFAULT_OVERLAP_HOURS, MAX_OVERLAP_HOURS } from '../secrets/overlap.js';
import { FulfilmentAttempt, FulfilmentDelivery, FulfilmentEndpoint } from './fulfilment.entity.js';
import {
  attemptLog,
  DEFAULT_ATTEMPTS_SHOWN,
  listDeliveries,
  MAX_ATTEMPTS_SHOWN,
  RESEND_FAILED_MAX,
  resendDelivery,
  resendFailed,
  rotateSecret,
  secretHints,
  setEndpoint,
} from './fulfilment.service.js';

@InputType()
export class FulfilmentEndpointInput {
  @Field(() => String, {
    description:
      'Absolute http(s) URL of the game backend that grants what was paid for. A private address only if VKP_ALLOW_PRIVATE_URLS allows it.',
  })
  url!: string;

  @Field(() => Boolean, { nullable: true, description: 'Queue events for it (default true). While off, payments queue nothing.' })
  enabled?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Answer VK's order_status_change only after the game backend confirmed it (default false).",
  })
  syncMode?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Make a new signing secret (shown once in the answer). A new endpoint always gets one. On an existing one the old secret keeps ' +
      `signing beside the new one for ${DEFAULT_OVERLAP_HOURS} h, as rotateFulfilmentSecret's default; use that mutation to choose.`,
  })
  rotateSecret?: boolean | null;
}

@ObjectType()
export class FulfilmentEndpointChange {
  @Field(() => FulfilmentEndpoint)
  endpoint!: FulfilmentEndpoint;

  @Field(() => String, { nullable: true, description: 'The new signing secret (whsec_…): shown this once; null when it did not change.' })
  signingSecret!: string | null;
}

@ObjectType()
export class FulfilmentResendResult {
  @Field(() => Int, { description: 'Failed deliveries this call made due again (each gets one attempt now).' })
  resent!: number;

  @Field(() => Int, {
    description: `Failed deliveries left for another call: one call takes at most ${RESEND_FAILED_MAX}, the oldest first.`,
  })
  remaining!: number;
}

export const FulfilmentDeliveryConnection = Connection('FulfilmentDelivery', FulfilmentDelivery);

@Resolver(() => FulfilmentEndpoint)
export class FulfilmentEndpointResolver {
  @FieldResolver(() => String, { description: 'The last characters of the signing secret.' })
  secretHint(@Root() e: FulfilmentEndpoint): string {
    return e.signingSecretHint ?? 'whsec_••••';
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The last characters of the secret before the last rotation, while it still signs (else null).',
  })
  previousSecretHint(@Root() e: FulfilmentEndpoint): string | null {
    return secretHints(e).previousSecretHint;
  }

  @FieldResolver(() => DateTimeScalar, {
    nullable: true,
    description:
      "Until when deliveries also carry the previous secret's signature (after a rotation with an overlap); null when only the current one signs.",
  })
  previousSecretExpiresAt(@Root() e: FulfilmentEndpoint): Date | null {
    return secretHints(e).previousSecretExpiresAt === null ? null : e.previousSecretExpiresAt;
  }

  @Authorized('PAYMENTS')
  @Query(() => FulfilmentEndpoint, { nullable: true, description: "The app's game-backend webhook, if it has one." })
  async fulfilmentEndpoint(@Arg('vkAppId', () => Int) vkAppId: number, @Ctx() { em }: Context): Promise<FulfilmentEndpoint | null> {
    return em.findOne(FulfilmentEndpoint, { app: await getApp(em, vkAppId) });
  }

  // It hands out a signing secret: the same roles that make API keys.
  @Authorized('MANAGE_ACCESS')
  @Mutation(() => FulfilmentEndpointChange, {
    description: 'Creates or changes the game-backend webhook. Events are queued from the next payment on.',
  })
  async setFulfilmentEndpoint(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('input', () => FulfilmentEndpointInput) input: FulfilmentEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<FulfilmentEndpointChange> {
    return setEndpoint(ctx.em, ctx, vkAppId, input);
  }

  @Authorized('MANAGE_ACCESS')
  @Mutation(() => FulfilmentEndpointChange, {
    description:
      'A new signing secret for the game-backend webhook, shown this once in signingSecret. Deliveries are signed with it from now on, ' +
      'and for overlapHours also with the old one (both signatures in webhook-signature, the new first), so the game backend can switch ' +
      'without refusing an event. A rotation during an overlap makes the then-current secret the previous one; the one before stops. ' +
      'NOT_FOUND without a webhook.',
  })
  async rotateFulfilmentSecret(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('overlapHours', () => Int, {
      nullable: true,
      defaultValue: DEFAULT_OVERLAP_HOURS,
      description: `How long the old secret keeps signing: 0–${MAX_OVERLAP_HOURS} hours (0 = it stops at once).`,
    })
    overlapHours: number | null,
    @Ctx() ctx: Context,
  ): Promise<FulfilmentEndpointChange> {
    return rotateSecret(ctx.em, ctx, vkAppId, { overlapHours });
  }
}

@Resolver(() => FulfilmentDelivery)
export class FulfilmentDeliveryResolver {
  @FieldResolver(() => ID)
  id(@Root() d: FulfilmentDelivery): string {
    return String(d.id);
  }

  @FieldResolver(() => [FulfilmentAttempt], {
    description:
      'The latest attempts, oldest first: time, HTTP status, duration, and (for the roles that may set the endpoint, CREATOR and ADMIN) ' +
      'the start of the answer and why there was none.',
  })
  async attemptLog(
    @Root() d: FulfilmentDelivery,
    @Arg('last', () => Int, {
      nullable: true,
      description: `How many of the latest attempts, 1–${MAX_ATTEMPTS_SHOWN} (default ${DEFAULT_ATTEMPTS_SHOWN}); attempts counts them all.`,
    })
    last: number | null,
    @Ctx() { em, principal }: Context,
  ): Promise<FulfilmentAttempt[]> {
    return attemptLog(em, principal, d, last ?? DEFAULT_ATTEMPTS_SHOWN);
  }

  @Authorized('PAYMENTS')
  @Query(() => FulfilmentDeliveryConnection, { description: 'Events for the game backend, newest first.' })
  async fulfilmentDeliveries(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('status', () => String, { nullable: true, description: 'pending, delivered or failed.' }) status: string | null,
    @Arg('eventType', () => String, { nullable: true, description: 'order.paid, order.refunded or subscription.changed.' })
    eventType: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() { em }: Context,
  ): Promise<ConnectionShape<FulfilmentDelivery>> {
    return listDeliveries(em, vkAppId, { status, eventType }, page);
  }

  @Authorized('PAYMENTS')
  @Mutation(() => FulfilmentDelivery, {
    description:
      'Sends the delivery again now, whatever its state (the receiver dedupes on webhook-id). A failed one gets this one attempt; ' +
      'a pending one keeps its schedule after it.',
  })
  async resendFulfilmentDelivery(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<FulfilmentDelivery> {
    // Authenticated (by @Authorized) before the lookup: without a token the answer cannot depend on the id.
    const delivery = await ctx.em.findOne(FulfilmentDelivery, { id: recordId(id, 'a delivery') }, { populate: ['app'] });
    const missing = () => notFound(`fulfilment delivery ${id}`);
    if (!delivery) throw missing();
    const principal = authorizeRecord(ctx, 'PAYMENTS', delivery.app.vkAppId, missing);
    await resendDelivery(ctx.em, principal, delivery);
    ctx.fulfilment.poke();
    return delivery;
  }

  @Authorized('PAYMENTS')
  @Mutation(() => FulfilmentResendResult, {
    description:
      `Sends the app's failed deliveries (of one event type, if given) again now, the oldest first, at most ${RESEND_FAILED_MAX} a call; ` +
      'each gets one attempt. A repeat takes only those that failed since: resent ones are pending. After a call that resent ' +
      "something, the app's next call within 60 s is RATE_LIMITED (extensions.retryAfterSeconds).",
  })
  async resendFailedFulfilmentDeliveries(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('eventType', () => String, { nullable: true, description: 'order.paid, order.refunded or subscription.changed.' })
    eventType: string | null,
    @Ctx() ctx: Context,
  ): Promise<FulfilmentResendResult> {
    const result = await resendFailed(ctx.em, ctx.principal, vkAppId, eventType, ctx.resendCooldown);
    if (result.resent) ctx.fulfilment.poke();
    return result;
  }
}
