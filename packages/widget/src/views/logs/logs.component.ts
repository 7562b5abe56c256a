import { html, type TemplateResult } from 'lit';
import { VkpElement } from '../../base/vkp-element.js';
import { pick } from '../../i18n.js';
import { strings } from './logs.strings.js';

/**
 * <vk-payments-logs>: (being built).
 */
export class VkPaymentsLogs extends VkpElement {
  override render(): TemplateResult {
    const t = pick(strings, this.activeLocale);
    return html`<h2>${t.title}</h2>`;
  }
}
