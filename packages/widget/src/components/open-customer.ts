/**
 * A VK user id in a list: a button that asks the shell to open that user's Customer view (a bubbling,
 * composed `vkp-open-customer` event, so it leaves every shadow root), and the VK profile beside it as a
 * secondary link. One function, so every list renders user ids alike.
 */
import { css, html, type TemplateResult } from 'lit';

export interface VkpOpenCustomerDetail {
  vkUserId: number;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vkp-open-customer': CustomEvent<VkpOpenCustomerDetail>;
  }
}

/** `open` names the button for screen readers ("Open the customer 55"), `profile` the VK link. */
export function customerLink(vkUserId: number, open: string, profile: string): TemplateResult {
  const fire = (e: Event): void => {
    e.currentTarget!.dispatchEvent(new CustomEvent('vkp-open-customer', { detail: { vkUserId }, bubbles: true, composed: true }));
  };
  return html`<span class="customer"
    ><button type="button" class="link" aria-label="${open} ${vkUserId}" @click=${fire}>${vkUserId}</button>
    <a href="https://vk.com/id${vkUserId}" target="_blank" rel="noopener noreferrer" title=${profile} aria-label="${profile} ${vkUserId}">VK</a></span
  >`;
}

export const customerLinkStyles = css`
  .customer {
    display: inline-flex;
    gap: 6px;
    align-items: baseline;
  }
  .customer button.link {
    padding: 0;
    border: 0;
    background: none;
    color: var(--_accent);
    text-decoration: underline;
  }
  .customer a {
    font-size: 0.85em;
  }
`;
