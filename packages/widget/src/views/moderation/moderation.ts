/** Registers <vk-payments-moderation> (guarded: host pages load scripts twice). */
import { defineElement } from '../../base/vkp-element.js';
import { VkPaymentsModeration } from './moderation.component.js';

defineElement('vk-payments-moderation', VkPaymentsModeration);

declare global {
  interface HTMLElementTagNameMap {
    'vk-payments-moderation': VkPaymentsModeration;
  }
}
