/** Registers <vk-payments-transactions> (guarded: host pages load scripts twice). */
import { defineElement } from '../../base/vkp-element.js';
import { VkPaymentsTransactions } from './transactions.component.js';

defineElement('vk-payments-transactions', VkPaymentsTransactions);

declare global {
  interface HTMLElementTagNameMap {
    'vk-payments-transactions': VkPaymentsTransactions;
  }
}
