import { Field, InputType, ObjectType } from 'type-graphql';
import { PlatformEnum } from '../graphql/enums.js';
import type { Platform } from './moderation-request.entity.js';

@InputType({ description: 'An application to accept VK votes ("Оплата голосами" in VK\'s panel).' })
export class ModerationRequestInput {
  @Field(() => [PlatformEnum], { description: 'Where votes payments will run; at least one, repeats are ignored.' })
  platforms!: Platform[];

  @Field(() => String, { description: 'What the app is, 10–1000 characters.' })
  appDescription!: string;

  @Field(() => String, { description: 'What users pay for, 10–2000 characters.' })
  paidFeatures!: string;
}

/** The keys of the preflight checks, in the order they are shown. */
export const PREFLIGHT_KEYS = ['NOTIFICATION_URL', 'TEST_PURCHASE_SUCCEEDED', 'TESTERS_CONFIGURED'] as const;
export type PreflightKey = (typeof PREFLIGHT_KEYS)[number];

@ObjectType({ description: 'One thing to have in place before applying for votes payments.' })
export class PreflightCheck {
  @Field(() => String, { description: 'NOTIFICATION_URL, TEST_PURCHASE_SUCCEEDED or TESTERS_CONFIGURED.' })
  key!: PreflightKey;

  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => Boolean, { description: 'A required check blocks submitting; the others are advice.' })
  required!: boolean;

  @Field(() => String, { description: 'What is in place, or what to do next.' })
  message!: string;
}

@ObjectType({ description: 'Whether the app may apply for votes payments now, and what is still worth doing.' })
export class ModerationPreflight {
  @Field(() => Boolean, { description: 'Every required check passes: submitModerationRequest will not refuse for lack of setup.' })
  ready!: boolean;

  @Field(() => [PreflightCheck])
  checks!: PreflightCheck[];
}
