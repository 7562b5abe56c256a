/**
 * `fulfilmentEvents`: the app's events for the game backend, live, for `vk-payments listen` (listen.ts
 * says what is sent, what is kept, and why the server signs only for some roles).
 */
import { Arg, Ctx, Field, Int, ObjectType, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { authorize } from '../graphql/authorize.js';
import type { Context } from '../graphql/context.js';
import { notFound } from '../graphql/errors.js';
import type { WebhookEvent } from '../notifications/outbox.js';
import { signingSecretsAt } from './endpoint-secret.js';
import { FulfilmentEndpoint } from './fulfilment.entity.js';
import { EVENT_TOPIC } from './listen.js';
import { webhookHeaders } from './signing.js';

@ObjectType('WebhookSignatureHeaders', { description: "Standard Webhooks headers, made by the server with the endpoint's signing secret." })
export class WebhookSignatureHeaders {
  @Field(() => String)
  webhookId!: string;

  @Field(() => String)
  webhookTimestamp!: string;

  @Field(() => String)
  webhookSignature!: string;
}

@ObjectType('FulfilmentEvent', {
  description: "An event for the game backend, as it is sent to its webhook. Hearing it never counts as the endpoint's delivery.",
})
export class FulfilmentEvent {
  @Field(() => String, { description: 'The webhook-id: the same on every delivery of the event, for the receiver to dedupe.' })
  eventId!: string;

  @Field(() => String, { description: 'order.paid, order.refunded or subscription.changed.' })
  eventType!: string;

  @Field(() => Int, { nullable: true, description: 'The payment it is about (its appOrderId).' })
  transactionId!: number | null;

  @Field(() => String, { description: 'The exact JSON body the webhook gets: sign and send these bytes.' })
  body!: string;

  @Field(() => WebhookSignatureHeaders, {
    nullable: true,
    description: "The server's own signature headers (signed with the endpoint's secret): only with signWithEndpointSecret.",
  })
  headers!: WebhookSignatureHeaders | null;
}

interface EventArgs {
  vkAppId: number;
  signWithEndpointSecret?: boolean | null;
}

@Resolver(() => FulfilmentEvent)
export class FulfilmentEventResolver {
  @Subscription(() => FulfilmentEvent, {
    description:
      "The app's events for the game backend, live, as their payments commit on the instance this socket is on (`vk-payments listen`). " +
      'Nothing is kept for a listener: what happens while none listens is not replayed. With or without a fulfilment endpoint.',
    // Authorised once, when the subscription starts, as deliveries are; the server's signature as the secret is.
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, EventArgs, Context>) => {
      if (!args.signWithEndpointSecret) authorize(context, 'PAYMENTS', args.vkAppId);
      else {
        authorize(context, 'MANAGE_ACCESS', args.vkAppId);
        const endpoint = await context.em.fork().findOne(FulfilmentEndpoint, { app: { vkAppId: args.vkAppId } }, { fields: ['id'] });
        if (!endpoint) throw notFound(`the fulfilment endpoint of app ${args.vkAppId}`);
      }
      return context.pubSub.subscribe(EVENT_TOPIC, args.vkAppId);
    },
  })
  async fulfilmentEvents(
    @Root() e: WebhookEvent,
    @Arg('vkAppId', () => Int) _vkAppId: number,
    @Arg('signWithEndpointSecret', () => Boolean, {
      nullable: true,
      description:
        "Each event carries the server's signature headers, made with the endpoint's secret (CREATOR, ADMIN: they may rotate it). " +
        'Otherwise sign it yourself.',
    })
    signWithEndpointSecret: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<FulfilmentEvent> {
    const event = { eventId: e.id, eventType: e.type, transactionId: e.transactionId, body: e.body, headers: null };
    if (!signWithEndpointSecret) return event;
    // Read for every event: a rotation while listening signs the next one with the new secret (and,
    // during its overlap, with the old one too, as a delivery is).
    const endpoint = await ctx.em.fork().findOne(FulfilmentEndpoint, { app: { vkAppId: e.vkAppId } });
    if (!endpoint) throw notFound(`the fulfilment endpoint of app ${e.vkAppId}`);
    const now = new Date();
    const h = webhookHeaders(signingSecretsAt(ctx.secrets, e.vkAppId, endpoint, now), e.id, e.body, now);
    return {
      ...event,
      headers: { webhookId: h['webhook-id'], webhookTimestamp: h['webhook-timestamp'], webhookSignature: h['webhook-signature'] },
    };
  }
}
