/**
 * GraphQL for fulfilment: the app's game-backend webhook (its signing secret shown once, when created
 * or rotated), the delivery log with every attempt, and resending a delivery. The logic is in
 * fulfilment.service.ts.
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
import { FulfilmentAttempt, FulfilmentDelivery, FulfilmentEndpoint } from './fulfilment.entity.js';
import { attemptLog, listDeliveries, resendDelivery, setEndpoint } from './fulfilment.service.js';

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
    description: 'Make a new signing secret (shown once in the answer). A new endpoint always gets one.',
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

export const FulfilmentDeliveryConnection = Connection('FulfilmentDelivery', FulfilmentDelivery);

@Resolver(() => FulfilmentEndpoint)
export class FulfilmentEndpointResolver {
  @FieldResolver(() => String, { description: 'The last characters of the signing secret.' })
  secretHint(@Root() e: FulfilmentEndpoint): string {
    return e.signingSecretHint ?? 'whsec_••••';
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
}

@Resolver(() => FulfilmentDelivery)
export class FulfilmentDeliveryResolver {
  @FieldResolver(() => ID)
  id(@Root() d: FulfilmentDelivery): string {
    return String(d.id);
  }

  @FieldResolver(() => [FulfilmentAttempt], {
    description:
      'Every attempt, oldest first: status, answer, time. responseBody and error only for the roles that may set the endpoint (CREATOR, ADMIN).',
  })
  async attemptLog(@Root() d: FulfilmentDelivery, @Ctx() { em, principal }: Context): Promise<FulfilmentAttempt[]> {
    return attemptLog(em, principal, d);
  }

  @Authorized('PAYMENTS')
  @Query(() => FulfilmentDeliveryConnection, { description: 'Events for the game backend, newest first.' })
  async fulfilmentDeliveries(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('status', () => String, { nullable: true, description: 'pending, delivered or failed.' }) status: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() { em }: Context,
  ): Promise<ConnectionShape<FulfilmentDelivery>> {
    return listDeliveries(em, vkAppId, status, page);
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
}
