/** Registers <vk-payments-admin> and its views (guarded: host pages load scripts twice). */
import { defineElement } from '../base/vkp-element.js';
import { VkPaymentsAdmin } from './admin.component.js';

defineElement('vk-payments-admin', VkPaymentsAdmin);

declare global {
  interface HTMLElementTagNameMap {
    'vk-payments-admin': VkPaymentsAdmin;
  }
}
