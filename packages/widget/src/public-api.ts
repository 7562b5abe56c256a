/**
 * What both entries export (`index.ts` for bundlers, `standalone.ts` for the one `<script>` tag): the
 * shell and the settings view, which every embedding loads, the lazy views' loader, the client and the
 * event and session types.
 */
export { VkPaymentsAdmin, VIEWS, type View } from './admin/admin.component.js';
export { VkPaymentsSettings } from './views/settings/settings.component.js';
export { VkpElement, defineElement } from './base/vkp-element.js';
export { LAZY_TAGS, loadView, type LazyTag } from './lazy-views.js';
export {
  GraphQLClient,
  GraphQLClientError,
  type GraphQLClientErrorCode,
  type GraphQLClientOptions,
  type Me,
  type TokenSource,
} from './client/graphql-client.js';
export type { Session } from './client/session.js';
export type {
  VkpErrorDetail,
  VkpErrorEvent,
  VkpOpenCustomerDetail,
  VkpOpenCustomerEvent,
  VkpSavedDetail,
  VkpSavedEvent,
  VkpViewChangeDetail,
  VkpViewChangeEvent,
} from './events.js';
export type { Locale } from './i18n.js';
