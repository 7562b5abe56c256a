/** Registers <vk-payments-settings> (guarded: host pages load scripts twice). */
import { defineElement } from '../../base/vkp-element.js';
import { VkPaymentsSettings } from './settings.component.js';

defineElement('vk-payments-settings', VkPaymentsSettings);

declare global {
  interface HTMLElementTagNameMap {
    'vk-payments-settings': VkPaymentsSettings;
  }
}
