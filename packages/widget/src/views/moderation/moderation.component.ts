import { html, type TemplateResult } from 'lit';
import { VkpElement } from '../../base/vkp-element.js';
import { pick } from '../../i18n.js';
import { strings } from './moderation.strings.js';

/**
 * <vk-payments-moderation>: (being built).
 */
export class VkPaymentsModeration extends VkpElement {
  override render(): TemplateResult {
    const t = pick(strings, this.activeLocale);
    return html`<h2>${t.title}</h2>`;
  }
}
