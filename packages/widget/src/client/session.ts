/**
 * What every view needs to talk to the server, handed down by `<vk-payments-admin>` through
 * @lit/context so all views share one client (one token, one refresh). A view used on its own builds
 * the same from its own attributes.
 */
import { createContext } from '@lit/context';
import type { Locale } from '../i18n.js';
import type { GraphQLClient } from './graphql-client.js';

export interface Session {
  client: GraphQLClient;
  vkAppId: number;
  locale: Locale;
}

export const sessionContext = createContext<Session | undefined>(Symbol('vkp-session'));
