import { Resolver } from 'type-graphql';

/** GraphQL for payment settings, secret rotation, testers, checkNotificationUrl. */
@Resolver()
export class SettingsResolver {}
