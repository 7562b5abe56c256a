/**
 * What every view needs to talk to the server. `<vk-payments-admin>` hands its one session to each
 * view it shows (the `sharedSession` property), so all views share one client — one token, one
 * refresh. A view used on its own builds the same from its own attributes.
 *
 * (A plain property rather than @lit/context: the shell renders its views itself, and the embed's
 * size budget is better spent on the views.)
 */
import type { Locale } from '../i18n.js';
import type { GraphQLClient } from './graphql-client.js';

export interface Session {
  client: GraphQLClient;
  vkAppId: number;
  locale: Locale;
}
