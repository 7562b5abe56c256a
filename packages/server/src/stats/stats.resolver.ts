import { Resolver } from 'type-graphql';

/** GraphQL for payment statistics (paymentStats). */
@Resolver()
export class StatsResolver {}
