import { html, type TemplateResult } from 'lit';
import { VkpElement } from '../../base/vkp-element.js';
import { pick } from '../../i18n.js';
import { strings } from './settings.strings.js';

/**
 * <vk-payments-settings>: (being built).
 */
export class VkPaymentsSettings extends VkpElement {
  override render(): TemplateResult {
    const t = pick(strings, this.activeLocale);
    return html`<h2>${t.title}</h2>`;
  }
}
