/** Registers <vk-payments-deliveries> and its webhook settings (guarded: host pages load scripts twice). */
import { defineElement } from '../../base/vkp-element.js';
import { VkPaymentsDeliveries } from './deliveries.component.js';
import { VkPaymentsFulfilmentEndpoint } from './endpoint.component.js';

defineElement('vk-payments-fulfilment-endpoint', VkPaymentsFulfilmentEndpoint);
defineElement('vk-payments-deliveries', VkPaymentsDeliveries);

declare global {
  interface HTMLElementTagNameMap {
    'vk-payments-deliveries': VkPaymentsDeliveries;
    'vk-payments-fulfilment-endpoint': VkPaymentsFulfilmentEndpoint;
  }
}
