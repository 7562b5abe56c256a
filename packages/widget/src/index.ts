/**
 * @vk-payments/widget: the admin elements. Importing this module registers nothing; import
 * `@vk-payments/widget/define` (the shell and settings at once, each other view when its element
 * appears; `await define()` from it registers all), or one view's module, to register tags.
 */
export * from './public-api.js';
// The other views' classes, for a page that registers tags itself (the standalone module loads them lazily).
export { VkPaymentsLogs } from './views/logs/logs.component.js';
export { VkPaymentsTransactions } from './views/transactions/transactions.component.js';
export { VkPaymentsStats } from './views/stats/stats.component.js';
export { VkPaymentsModeration } from './views/moderation/moderation.component.js';
export { VkPaymentsDeliveries } from './views/deliveries/deliveries.component.js';
export { VkPaymentsFulfilmentEndpoint } from './views/deliveries/endpoint.component.js';
