import { VkPaymentsAdmin } from './admin/admin.component.js';

/**
 * Registers the widget's tags. Does nothing for a tag that already exists: host pages load the same
 * script twice (two bundles, a hot reload), and a second `customElements.define` would throw.
 */
export function define(): void {
  if (!customElements.get('vk-payments-admin')) customElements.define('vk-payments-admin', VkPaymentsAdmin);
}
