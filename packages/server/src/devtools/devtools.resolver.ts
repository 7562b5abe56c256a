/**
 * GraphQL for the developer tools: `simulateNotification` (VK's sequences against this server, test
 * types only), `replayNotification` (a logged request through today's handler, dry), and
 * `explainSignature` (why a signature does not match).
 */
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { ITEM_LIMITS, type InputErrorParams } from '@vk-payments/shared';
import { z } from 'zod';
import { openAppKeys } from '../secrets/app-keys.js';
import { getApp } from '../apps/apps.service.js';
import { authorizeRecord } from '../graphql/authorize.js';
import type { Context } from '../graphql/context.js';
import { badInput, notFound, parseInput, recordId } from '../graphql/errors.js';
import { NotificationLog } from '../logs/notification-log.entity.js';
import { ITEM_ID_PATTERN, ITEM_ID_RULE } from '../notifications/signable.js';
import { explainSignature } from './explain-signature.js';
import { replay } from './replay.js';
import {
  NotificationReplay,
  SCENARIO_ENUM,
  SignatureExplanation,
  Simulation,
  SimulationInput,
  type SimulationStep,
} from './devtools.types.js';
import { answerJson, type ScenarioStep } from './scenario.js';
import { simulateNotification } from './simulate.service.js';
import { refuseTruncated } from './truncated.js';

const simulationInput = z.object({
  scenario: z.enum(Object.values(SCENARIO_ENUM)),
  // Refused here, before anything is signed: an id with "=" could fold a real payment into the signed body.
  itemId: z
    .string()
    .min(1, 'must not be empty')
    .refine((id) => ITEM_ID_PATTERN.test(id), {
      error: ITEM_ID_RULE,
      params: { reason: 'invalidFormat', format: 'itemId', max: ITEM_LIMITS.itemMaxLength } satisfies InputErrorParams,
    }),
  vkUserId: z.number().int().min(1, 'must be a positive integer').nullish(),
});

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
    return {
      scenario: result.scenario,
      vkUserId: result.vkUserId,
      ok: result.ok,
      stoppedBecause: result.stoppedBecause,
      steps: result.steps.map(toStep),
    };
  }

  @Authorized('PAYMENTS')
  @Query(() => NotificationReplay, {
    description: "Runs a logged request through today's handler in a dry run (nothing is written) and compares the answers.",
  })
  async replayNotification(@Arg('logId', () => ID) logId: string, @Ctx() ctx: Context): Promise<NotificationReplay> {
    const row = await ctx.em.findOne(NotificationLog, { id: recordId(logId, 'a notification log', 'logId') }, { populate: ['app'] });
    const missing = () => notFound(`notification log ${logId}`);
    if (!row) throw missing();
    authorizeRecord(ctx, row.app ? 'PAYMENTS' : 'ROOT', row.app?.vkAppId ?? null, missing);
    if ('_unreadable' in row.request) {
      throw badInput('logId', { reason: 'incomplete' }, 'that request could not be read when it came, so there is nothing to replay');
    }
    refuseTruncated(row.request, 'logId');
    const result = await replay(row.request, row.response, ctx.notificationStore, new Date());
    return { logId, ...result };
  }

  // The expected signature is given only when the given one already matches (explain-signature.ts): the
  // answer never holds a signature the caller did not bring.
  @Authorized('PAYMENTS')
  @Query(() => SignatureExplanation, {
    description:
      'Explains a notification signature: the signed string (key masked), expected and given signatures, and the likely mistake.',
  })
  async explainSignature(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('rawBody', () => String) rawBody: string,
    @Ctx() ctx: Context,
  ): Promise<SignatureExplanation> {
    if (rawBody.length > MAX_EXPLAINED_BODY)
      throw badInput('rawBody', { reason: 'tooLong', max: MAX_EXPLAINED_BODY }, `longer than ${MAX_EXPLAINED_BODY} characters`);
    refuseTruncated(rawBody, 'rawBody');
    const app = await getApp(ctx.em, vkAppId);
    const keys = openAppKeys(ctx.secrets, app);
    return explainSignature(
      rawBody,
      { current: keys.current, previous: keys.previous, previousUntil: app.previousSecretExpiresAt },
      new Date(),
    );
  }
}
