/**
 * What the `alerts` query answers: the conditions of deploy/prometheus/vk-payments.rules.yml, for one app,
 * counted from the database (alerts.service.ts). The widget words each from its code and numbers.
 */
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

/** Not stored: the values are the names, as scripts will compare them. */
export const AlertCodeEnum = {
  BAD_SIGNATURES: 'BAD_SIGNATURES',
  TEMPORARY_ERRORS: 'TEMPORARY_ERRORS',
  SLOW_ANSWERS: 'SLOW_ANSWERS',
  DELIVERIES_FAILED: 'DELIVERIES_FAILED',
  DELIVERIES_FAILING: 'DELIVERIES_FAILING',
  DELIVERIES_PILING_UP: 'DELIVERIES_PILING_UP',
} as const;
export type AlertCode = keyof typeof AlertCodeEnum;
registerEnumType(AlertCodeEnum, {
  name: 'AlertCode',
  valuesConfig: {
    BAD_SIGNATURES: { description: 'Notifications answered error 10 (missing or wrong sig) in the window: was the key changed in VK?' },
    TEMPORARY_ERRORS: {
      description: 'Notifications answered error 2 (database trouble, a late answer, a sync backend too slow) in the window.',
    },
    SLOW_ANSWERS: { description: 'Notifications answered slower than thresholdSeconds in the window.' },
    DELIVERIES_FAILED: { description: 'Fulfilment deliveries whose retries ran out: they wait for a resend.' },
    DELIVERIES_FAILING: { description: 'Fulfilment deliveries being retried after a failed attempt.' },
    DELIVERIES_PILING_UP: { description: 'Fulfilment deliveries queued more than thresholdSeconds ago and not delivered yet.' },
  },
});

export const AlertSeverityEnum = { WARNING: 'WARNING', CRITICAL: 'CRITICAL' } as const;
export type AlertSeverity = keyof typeof AlertSeverityEnum;
registerEnumType(AlertSeverityEnum, {
  name: 'AlertSeverity',
  valuesConfig: {
    CRITICAL: { description: 'Payments fail or users wait for what they paid for.' },
    WARNING: { description: 'Worth a look before it gets worse.' },
  },
});

@ObjectType('Alert', { description: 'A condition of the app worth an operator\'s attention now (README "Alerts").' })
export class Alert {
  @Field(() => AlertCodeEnum)
  code!: AlertCode;

  @Field(() => AlertSeverityEnum)
  severity!: AlertSeverity;

  @Field(() => Int, { description: 'How many notifications in the window, or deliveries now; counting stops at 1000 (see countCapped).' })
  count!: number;

  @Field(() => Boolean, { description: 'There were more than `count`.' })
  countCapped!: boolean;

  @Field(() => Int, {
    nullable: true,
    description: 'The window counted, in seconds back from now; null when deliveries are counted as they are now.',
  })
  windowSeconds!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'SLOW_ANSWERS: slower than this; DELIVERIES_PILING_UP: waiting longer than this. In seconds.',
  })
  thresholdSeconds!: number | null;
}
