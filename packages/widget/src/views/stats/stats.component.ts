import { html, type TemplateResult } from 'lit';
import { VkpElement } from '../../base/vkp-element.js';
import { pick } from '../../i18n.js';
import { strings } from './stats.strings.js';

/**
 * <vk-payments-stats>: (being built).
 */
export class VkPaymentsStats extends VkpElement {
  override render(): TemplateResult {
    const t = pick(strings, this.activeLocale);
    return html`<h2>${t.title}</h2>`;
  }
}
