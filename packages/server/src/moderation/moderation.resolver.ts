import { Resolver } from 'type-graphql';

/** GraphQL for the votes-payments application (moderation requests). */
@Resolver()
export class ModerationResolver {}
