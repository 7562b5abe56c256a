/**
 * GraphQL for fulfilment: the app's game-backend webhook (its signing secret shown once, when created
 * or rotated), the delivery log with every attempt, and resending a delivery.
 */
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { z } from 'zod';
import { App } from '../apps/app.entity.js';
import { getApp } from '../apps/apps.service.js';
import { audit } from '../audit/audit.service.js';
import { authorize, authorizeRecord } from '../auth/authorize.js';
import { decide } from '../auth/permissions.js';
import type { Context } from '../graphql/context.js';
import { Connection, PageArgs, paginate, type ConnectionShape } from '../graphql/connection.js';
import { badInput, notFound, parseInput, recordId } from '../graphql/errors.js';
import { assertConnectableUrl } from '../net/saved-url.js';
import { FulfilmentAttempt, FulfilmentDelivery, FulfilmentEndpoint, type DeliveryStatus } from './fulfilment.entity.js';
import { signingSecretColumns } from './endpoint-secret.js';
import { newSigningSecret } from './signing.js';

@InputType()
export class FulfilmentEndpointInput {
  @Field(() => String, {
    description: 'Absolute http(s) URL of the game backend that grants what was paid for. A private address only if VKP_ALLOW_PRIVATE_URLS allows it.',
  })
  url!: string;

  @Field(() => Boolean, { nullable: true, description: 'Queue events for it (default true). While off, payments queue nothing.' })
  enabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Answer VK's order_status_change only after the game backend confirmed it (default false)." })
  syncMode?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Make a new signing secret (shown once in the answer). A new endpoint always gets one.' })
  rotateSecret?: boolean | null;
}

const endpointInput = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).max(2048),
  enabled: z.boolean().nullish(),
  syncMode: z.boolean().nullish(),
  rotateSecret: z.boolean().nullish(),
});

@ObjectType()
export class FulfilmentEndpointChange {
  @Field(() => FulfilmentEndpoint)
  endpoint!: FulfilmentEndpoint;

  @Field(() => String, { nullable: true, description: 'The new signing secret (whsec_…): shown this once; null when it did not change.' })
  signingSecret!: string | null;
}

const FulfilmentDeliveryConnection = Connection('FulfilmentDelivery', FulfilmentDelivery);
const STATUSES: DeliveryStatus[] = ['pending', 'delivered', 'failed'];

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
  @Mutation(() => FulfilmentEndpointChange, { description: 'Creates or changes the game-backend webhook. Events are queued from the next payment on.' })
  async setFulfilmentEndpoint(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('input', () => FulfilmentEndpointInput) input: FulfilmentEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<FulfilmentEndpointChange> {
    const data = parseInput(endpointInput, input);
    assertConnectableUrl(ctx.outbound, data.url, 'url');
    const { em } = ctx;
    const app = await getApp(em, vkAppId);
    const existing = await em.findOne(FulfilmentEndpoint, { app });
    const before = existing && { url: existing.url, enabled: existing.enabled, syncMode: existing.syncMode, secretHint: existing.signingSecretHint };
    const signingSecret = !existing || data.rotateSecret ? newSigningSecret() : null;
    const sealed = signingSecret === null ? null : signingSecretColumns(ctx.secrets, app.vkAppId, signingSecret);
    const endpoint = existing ?? em.create(FulfilmentEndpoint, { app, url: data.url, ...sealed! });
    em.assign(endpoint, { url: data.url, enabled: data.enabled ?? endpoint.enabled, syncMode: data.syncMode ?? endpoint.syncMode, updatedAt: new Date(), ...sealed });
    audit(em, ctx.principal, {
      appId: app.id,
      action: existing ? 'fulfilment.update' : 'fulfilment.create',
      target: data.url,
      before,
      after: { url: endpoint.url, enabled: endpoint.enabled, syncMode: endpoint.syncMode, secretHint: endpoint.signingSecretHint },
    });
    await em.flush();
    return { endpoint, signingSecret };
  }
}

@Resolver(() => FulfilmentDelivery)
export class FulfilmentDeliveryResolver {
  @FieldResolver(() => ID)
  id(@Root() d: FulfilmentDelivery): string {
    return String(d.id);
  }

  @FieldResolver(() => [FulfilmentAttempt], {
    description: 'Every attempt, oldest first: status, answer, time. responseBody and error only for the roles that may set the endpoint (CREATOR, ADMIN).',
  })
  async attemptLog(@Root() d: FulfilmentDelivery, @Ctx() { em, principal }: Context): Promise<FulfilmentAttempt[]> {
    const attempts = await em.find(FulfilmentAttempt, { delivery: d.id }, { orderBy: { id: 'asc' } });
    // What the server got back from a URL is for those who may choose the URL: otherwise a reader
    // could aim the server at something and read the answer (issue #10 §3).
    const app = await em.findOneOrFail(App, d.app.id);
    if (principal && decide(principal, 'MANAGE_ACCESS', app.vkAppId).ok) return attempts;
    // Plain copies, not the managed entities: nulling those would be written by the request's next flush.
    return attempts.map((a) => ({ id: a.id, delivery: a.delivery, attemptedAt: a.attemptedAt, httpStatus: a.httpStatus, durationMs: a.durationMs, responseBody: null, error: null }));
  }

  @Authorized('PAYMENTS')
  @Query(() => FulfilmentDeliveryConnection, { description: 'Events for the game backend, newest first.' })
  async fulfilmentDeliveries(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('status', () => String, { nullable: true, description: 'pending, delivered or failed.' }) status: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() { em }: Context,
  ): Promise<ConnectionShape<FulfilmentDelivery>> {
    if (status != null && !STATUSES.includes(status as DeliveryStatus)) {
      throw badInput('status', { reason: 'notOneOf', values: STATUSES }, `one of ${STATUSES.join(', ')}`);
    }
    const app = await getApp(em, vkAppId);
    return paginate(em, FulfilmentDelivery, { app, ...(status != null && { status: status as DeliveryStatus }) }, page);
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
    const now = new Date();
    // An attempt in flight keeps its claim (its outcome is recorded as usual); an expired claim is dropped.
    const claimed = delivery.lockedUntil !== null && delivery.lockedUntil > now;
    ctx.em.assign(delivery, { status: 'pending', nextAttemptAt: now, ...(!claimed && { lockedUntil: null }) });
    audit(ctx.em, principal, { appId: delivery.app.id, action: 'fulfilment.resend', target: delivery.eventId });
    await ctx.em.flush();
    ctx.fulfilment.poke();
    return delivery;
  }
}
