/** Registers <vk-payments-stats> (guarded: host pages load scripts twice). */
import { defineElement } from '../../base/vkp-element.js';
import { VkPaymentsStats } from './stats.component.js';

defineElement('vk-payments-stats', VkPaymentsStats);

declare global {
  interface HTMLElementTagNameMap {
    'vk-payments-stats': VkPaymentsStats;
  }
}
