/**
 * The entry of the module a page loads with one `<script type="module" src=".../widget/vk-payments-admin.js">`
 * (`dist/vk-payments-admin.js`): registers the tags and exports what a page's own script may use. It
 * carries the shell, the settings view and the client; every other view is a chunk of its own beside
 * it, fetched when first needed (lazy-views.ts), so its class is not exported here:
 * `await loadView('vk-payments-logs')`, then `customElements.get('vk-payments-logs')`.
 */
export { define } from './define.js';
export { LAZY_TAGS, loadView, type LazyTag } from './lazy-views.js';
export { VkPaymentsAdmin, VIEWS, type View } from './admin/admin.component.js';
export { VkPaymentsSettings } from './views/settings/settings.component.js';
export { VkpElement, defineElement } from './base/vkp-element.js';
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
