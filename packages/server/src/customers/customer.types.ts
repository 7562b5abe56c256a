import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars.js';

@ObjectType('CustomerTotals', {
  description: "One user's payments in the app: real ones by default, test ones alone with totals(test: true). Votes are integers.",
})
export class CustomerTotals {
  @Field(() => Int, { description: 'Votes of every payment, refunded or not (credits).' })
  paidVotes!: number;

  @Field(() => Int, { description: 'Votes of the payments that were refunded (deductions).' })
  refundedVotes!: number;

  @Field(() => Int, { description: 'paidVotes − refundedVotes.' })
  netVotes!: number;

  @Field(() => Int, { description: 'Payments (orders and subscription charges), refunded or not.' })
  payments!: number;

  @Field(() => Int, { description: 'Payments that were refunded.' })
  refunds!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the first payment was recorded; null with none.' })
  firstPaymentAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the last payment was recorded; null with none.' })
  lastPaymentAt!: Date | null;
}

@ObjectType('Customer', {
  description:
    'One VK user of one app, for support: their totals and every order, subscription, notification and fulfilment delivery of theirs. ' +
    'A user with nothing recorded is a customer with empty lists, not an error.',
})
export class Customer {
  @Field(() => Int)
  vkAppId!: number;

  @Field(() => Int)
  vkUserId!: number;

  /** The app's row id, for the lists' queries. */
  appId!: number;
}
