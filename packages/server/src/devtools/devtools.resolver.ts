/**
 * GraphQL for the developer tools: `simulateNotification` (VK's sequences against this server, test
 * types only), `replayNotification` (a logged request through today's handler, dry), and
 * `explainSignature` (why a signature does not match).
 */
import { Arg, Authorized, Ctx, Field, Float, ID, InputType, Int, Mutation, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { ITEM_LIMITS, type InputErrorParams } from '@vk-payments/shared';
import { z } from 'zod';
import { openAppKeys } from '../apps/app-keys.js';
import { getApp } from '../apps/apps.service.js';
import { authorizeRecord } from '../auth/authorize.js';
import type { Context } from '../graphql/context.js';
import { SignedWithEnum } from '../graphql/enums.js';
import { badInput, notFound, parseInput, recordId } from '../graphql/errors.js';
import { JSONScalar } from '../graphql/scalars.js';
import { NotificationLog } from '../logs/notification-log.entity.js';
import { ITEM_ID_PATTERN, ITEM_ID_RULE } from '../notifications/signable.js';
import { explainSignature } from './explain-signature.js';
import { replay } from './replay.js';
import { answerJson, type ScenarioName, type ScenarioStep } from './scenario.js';
import { simulateNotification } from './simulate.service.js';
import { refuseTruncated } from './truncated.js';

const SCENARIO_ENUM = { PURCHASE: 'purchase', PURCHASE_REFUND: 'purchase-refund', SUBSCRIBE: 'subscribe', SUBSCRIBE_CANCEL: 'subscribe-cancel' } as const satisfies Record<string, ScenarioName>;
registerEnumType(SCENARIO_ENUM, {
  name: 'SimulationScenario',
  description: "VK's whole sequence for one purchase or subscription; every step is sent twice, as VK may repeat it.",
  valuesConfig: {
    PURCHASE: { description: 'get_item_test → order_status_change_test chargeable' },
    PURCHASE_REFUND: { description: 'the purchase, then order_status_change_test refunded' },
    SUBSCRIBE: { description: 'get_subscription_test → subscription_status_change_test chargeable' },
    SUBSCRIBE_CANCEL: { description: 'the subscription, then subscription_status_change_test cancelled' },
  },
});

const VERDICT_ENUM = { SUCCESS: 'success', VK_ERROR: 'error', INVALID: 'invalid' } as const;
registerEnumType(VERDICT_ENUM, { name: 'AnswerVerdict', description: 'An answer judged against the protocol.' });

@InputType()
export class SimulationInput {
  @Field(() => SCENARIO_ENUM)
  scenario!: ScenarioName;

  @Field(() => String, { description: 'The catalog item (purchases) or subscription plan (subscriptions): A–Z a–z 0–9 _ . : - only, at most 64 characters.' })
  itemId!: string;

  @Field(() => Int, { nullable: true, description: "Who buys. Default: the app's first payment tester, else user 1." })
  vkUserId?: number | null;
}

const simulationInput = z.object({
  scenario: z.enum(Object.values(SCENARIO_ENUM)),
  // Refused here, before anything is signed: an id with "=" could fold a real payment into the signed body.
  itemId: z
    .string()
    .min(1, 'must not be empty')
    .refine((id) => ITEM_ID_PATTERN.test(id), { error: ITEM_ID_RULE, params: { reason: 'invalidFormat', format: 'itemId', max: ITEM_LIMITS.itemMaxLength } satisfies InputErrorParams }),
  vkUserId: z.number().int().min(1, 'must be a positive integer').nullish(),
});

@ObjectType({ description: 'One notification of a simulation, sent twice.' })
export class SimulationStep {
  @Field(() => String, { description: 'The notification_type sent, e.g. get_item_test.' })
  notificationType!: string;

  @Field(() => JSONScalar, { description: 'The fields posted, sig included (signed with the app key, which is never shown).' })
  request!: Record<string, string>;

  @Field(() => JSONScalar, { description: 'Our answer to the first sending.' })
  response!: unknown;

  @Field(() => VERDICT_ENUM)
  verdict!: string;

  @Field(() => [String], { description: 'What VK would object to: invalid fields, an error answer, a different repeat. Empty when fine.' })
  problems!: string[];

  @Field(() => Boolean, { description: 'The second sending got the same answer.' })
  repeatIdentical!: boolean;

  @Field(() => Float)
  durationMs!: number;

  @Field(() => ID, { nullable: true, description: 'The notification log row of the first sending.' })
  logId!: string | null;
}

@ObjectType()
export class Simulation {
  @Field(() => SCENARIO_ENUM)
  scenario!: ScenarioName;

  @Field(() => Int)
  vkUserId!: number;

  @Field(() => Boolean, { description: 'Every step answered with a valid success, the same on the repeat.' })
  ok!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the sequence stopped early (VK would stop there too).' })
  stoppedBecause!: string | null;

  @Field(() => [SimulationStep])
  steps!: SimulationStep[];
}

@ObjectType({ description: "A logged request run again through today's handler without changing anything." })
export class NotificationReplay {
  @Field(() => ID)
  logId!: string;

  @Field(() => JSONScalar, { description: 'The answer we gave then.' })
  storedAnswer!: unknown;

  @Field(() => JSONScalar, { description: 'The answer we would give now.' })
  todayAnswer!: unknown;

  @Field(() => Boolean)
  same!: boolean;

  @Field(() => [String], { description: '`path: then → now` for every part of the answer that differs.' })
  differences!: string[];

  @Field(() => [String], { description: 'What today\'s handler would have written (nothing was).' })
  effects!: string[];

  @Field(() => Int, { nullable: true })
  todayErrorCode!: number | null;
}

@ObjectType({ description: 'Why a notification signature does (not) match. The key itself is never shown.' })
export class SignatureExplanation {
  @Field(() => String, { description: 'The string VK hashes, the key masked to its hint: k1=v1k2=v2…••••abcd.' })
  canonicalString!: string;

  @Field(() => [String], { description: 'The signed fields in signing order.' })
  signedFields!: string[];

  @Field(() => String, {
    nullable: true,
    description:
      "What the app's current key gives for this body, only when the given signature already matches it; null otherwise (any other answer would sign a body for whoever asks).",
  })
  expectedSignature!: string | null;

  @Field(() => String, { nullable: true })
  givenSignature!: string | null;

  @Field(() => Boolean)
  matches!: boolean;

  @Field(() => SignedWithEnum, { nullable: true, description: 'current, or previous during a rotation overlap; null when neither key matches.' })
  signedWith!: keyof typeof SignedWithEnum | null;

  @Field(() => [String], { description: 'The likely mistakes, most certain first; empty when it matches.' })
  mistakes!: string[];
}

const toStep = (s: ScenarioStep): SimulationStep => ({
  notificationType: s.type,
  request: s.first.request,
  response: answerJson(s.first.text),
  verdict: s.verdict.kind,
  problems: s.problems,
  repeatIdentical: s.repeatIdentical,
  durationMs: s.first.ms,
  logId: s.first.logId === undefined ? null : String(s.first.logId),
});

/** How much of a pasted body explainSignature reads: VK's are a few hundred bytes. */
const MAX_EXPLAINED_BODY = 64 * 1024;

@Resolver()
export class DevtoolsResolver {
  @Authorized('PAYMENTS')
  @Mutation(() => Simulation, {
    description:
      "Plays VK's sequence for a purchase or a subscription against this server, with _test types signed here, each step twice. " +
      'Every step is logged like a real notification (and a purchase makes a test transaction).',
  })
  async simulateNotification(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('input', () => SimulationInput) input: SimulationInput,
    @Ctx() ctx: Context,
  ): Promise<Simulation> {
    const data = parseInput(simulationInput, input);
    const result = await simulateNotification(ctx.em, ctx.secrets, vkAppId, data, ctx.processNotification);
    return { scenario: result.scenario, vkUserId: result.vkUserId, ok: result.ok, stoppedBecause: result.stoppedBecause, steps: result.steps.map(toStep) };
  }

  @Authorized('PAYMENTS')
  @Query(() => NotificationReplay, { description: "Runs a logged request through today's handler in a dry run (nothing is written) and compares the answers." })
  async replayNotification(@Arg('logId', () => ID) logId: string, @Ctx() ctx: Context): Promise<NotificationReplay> {
    const row = await ctx.em.findOne(NotificationLog, { id: recordId(logId, 'a notification log', 'logId') }, { populate: ['app'] });
    const missing = () => notFound(`notification log ${logId}`);
    if (!row) throw missing();
    authorizeRecord(ctx, row.app ? 'PAYMENTS' : 'ROOT', row.app?.vkAppId ?? null, missing);
    if ('_unreadable' in row.request) {
      throw badInput('logId', { reason: 'incomplete' }, 'that request could not be read when it came, so there is nothing to replay');
    }
    refuseTruncated(row.request, 'logId');
    const result = await replay(row.request as Record<string, unknown>, row.response, ctx.notificationStore, new Date());
    return { logId, ...result };
  }

  // The expected signature is given only when the given one already matches (explain-signature.ts): the
  // answer never holds a signature the caller did not bring.
  @Authorized('PAYMENTS')
  @Query(() => SignatureExplanation, { description: 'Explains a notification signature: the signed string (key masked), expected and given signatures, and the likely mistake.' })
  async explainSignature(@Arg('vkAppId', () => Int) vkAppId: number, @Arg('rawBody', () => String) rawBody: string, @Ctx() ctx: Context): Promise<SignatureExplanation> {
    if (rawBody.length > MAX_EXPLAINED_BODY) throw badInput('rawBody', { reason: 'tooLong', max: MAX_EXPLAINED_BODY }, `longer than ${MAX_EXPLAINED_BODY} characters`);
    refuseTruncated(rawBody, 'rawBody');
    const app = await getApp(ctx.em, vkAppId);
    const keys = openAppKeys(ctx.secrets, app);
    return explainSignature(rawBody, { current: keys.current, previous: keys.previous, previousUntil: app.previousSecretExpiresAt }, new Date());
  }
}
