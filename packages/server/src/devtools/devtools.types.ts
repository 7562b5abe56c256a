/**
 * The GraphQL types of the developer tools (devtools.resolver.ts): the simulation's input and result,
 * a replay, a signature explanation, and their enums.
 */
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SignedWithEnum } from '../graphql/enums.js';
import { JSONScalar } from '../graphql/scalars.js';
import type { ScenarioName } from './scenario.js';

export const SCENARIO_ENUM = {
  PURCHASE: 'purchase',
  PURCHASE_REFUND: 'purchase-refund',
  SUBSCRIBE: 'subscribe',
  SUBSCRIBE_CANCEL: 'subscribe-cancel',
} as const satisfies Record<string, ScenarioName>;
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

  @Field(() => String, {
    description: 'The catalog item (purchases) or subscription plan (subscriptions): A–Z a–z 0–9 _ . : - only, at most 64 characters.',
  })
  itemId!: string;

  @Field(() => Int, { nullable: true, description: "Who buys. Default: the app's first payment tester, else user 1." })
  vkUserId?: number | null;
}

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

  @Field(() => [String], { description: "What today's handler would have written (nothing was)." })
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

  @Field(() => SignedWithEnum, {
    nullable: true,
    description: 'current, or previous during a rotation overlap; null when neither key matches.',
  })
  signedWith!: keyof typeof SignedWithEnum | null;

  @Field(() => [String], { description: 'The likely mistakes, most certain first; empty when it matches.' })
  mistakes!: string[];
}
