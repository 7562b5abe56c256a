/** Payloads of the widget's outward events (STYLE.md item 8): `vkp-*`, bubbling and composed. */
import type { GraphQLClientErrorCode } from './client/graphql-client.js';

export interface VkpErrorDetail {
  /** `extensions.code` of the failed request (switch on this), or NETWORK_ERROR / BAD_RESPONSE. */
  code: GraphQLClientErrorCode;
  message: string;
}

export type VkpErrorEvent = CustomEvent<VkpErrorDetail>;
