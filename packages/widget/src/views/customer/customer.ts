/** Registers <vk-payments-customer> (guarded: host pages load scripts twice). */
import { defineElement } from '../../base/vkp-element.js';
import { VkPaymentsCustomer } from './customer.component.js';

defineElement('vk-payments-customer', VkPaymentsCustomer);

declare global {
  interface HTMLElementTagNameMap {
    'vk-payments-customer': VkPaymentsCustomer;
  }
}
