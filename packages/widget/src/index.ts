/**
 * @vk-payments/widget: the admin elements. Importing this module registers nothing; import
 * `@vk-payments/widget/define` (the shell and settings at once, each other view when its element
 * appears; `await define()` from it registers all), or one view's module, to register tags.
 */
export { VkPaymentsAdmin, VIEWS, type View } from './admin/admin.component.js';
export { VkPaymentsSettings } from './views/settings/settings.component.js';
export { VkPaymentsLogs } from './views/logs/logs.component.js';
export { VkPaymentsTransactions } from './views/transactions/transactions.component.js';
export { VkPaymentsStats } from './views/stats/stats.component.js';
export { VkPaymentsModeration } from './views/moderation/moderation.component.js';
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
export type { VkpErrorDetail, VkpErrorEvent, VkpSavedDetail, VkpSavedEvent, VkpViewChangeDetail, VkpViewChangeEvent } from './events.js';
export type { Locale } from './i18n.js';
