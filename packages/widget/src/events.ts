/** The events the widget fires outward (ARCHITECTURE.md §6): all bubble and cross shadow roots (composed). */
import type { GraphQLClientErrorCode } from './client/graphql-client.js';

export interface VkpErrorDetail {
  code: GraphQLClientErrorCode;
  message: string;
}

export interface VkpSavedDetail {
  /** What was saved: `settings`, `tester`, `secret`, `moderation`… */
  what: string;
}

export interface VkpViewChangeDetail {
  view: string;
}

/** A user id was clicked (in the log, the transactions, the deliveries) or searched for: open that customer. */
export interface VkpOpenCustomerDetail {
  vkUserId: number;
}

export interface VkpEvents {
  'vkp-error': VkpErrorDetail;
  'vkp-saved': VkpSavedDetail;
  'vkp-view-change': VkpViewChangeDetail;
  'vkp-open-customer': VkpOpenCustomerDetail;
}

export type VkpErrorEvent = CustomEvent<VkpErrorDetail>;
export type VkpSavedEvent = CustomEvent<VkpSavedDetail>;
export type VkpViewChangeEvent = CustomEvent<VkpViewChangeDetail>;
export type VkpOpenCustomerEvent = CustomEvent<VkpOpenCustomerDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'vkp-error': VkpErrorEvent;
    'vkp-saved': VkpSavedEvent;
    'vkp-view-change': VkpViewChangeEvent;
    'vkp-open-customer': VkpOpenCustomerEvent;
  }
}
