/** Registers <vk-payments-logs> (guarded: host pages load scripts twice). */
import { defineElement } from '../../base/vkp-element.js';
import { VkPaymentsLogs } from './logs.component.js';

defineElement('vk-payments-logs', VkPaymentsLogs);

declare global {
  interface HTMLElementTagNameMap {
    'vk-payments-logs': VkPaymentsLogs;
  }
}
