/**
 * `@vk-payments/widget`: import the class and call `define()` when you want to control registration,
 * or import `@vk-payments/widget/admin` to register on load. This module itself registers nothing.
 */
export { VkPaymentsAdmin } from './admin/admin.component.js';
export { define } from './define.js';
export { GraphQLClient, GraphQLClientError, type GraphQLClientErrorCode, type GraphQLClientOptions } from './client/graphql-client.js';
export type { VkpErrorDetail, VkpErrorEvent } from './events.js';
export { LOCALES, type Locale } from './strings.js';
