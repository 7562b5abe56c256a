/**
 * A VK user id wherever a view lists one (the log, the transactions, the deliveries): the id opens that
 * user's customer page, and a small secondary link opens their VK profile in a new tab.
 *
 * The id is a button that fires `vkp-open-customer` (`detail: { vkUserId }`), bubbling and composed, so
 * it leaves every shadow root: `<vk-payments-admin>` catches it and opens its Customer tab; a host that
 * shows a view on its own listens for it on the view (or anywhere above) and shows
 * `<vk-payments-customer user-id=…>` itself.
 */
import { css, html, type TemplateResult } from 'lit';
import type { VkpOpenCustomerDetail } from '../events.js';
import type { Locale } from '../i18n.js';

const TEXTS = {
  ru: { open: (id: number) => `Открыть покупателя ${id}`, profile: (id: number) => `Профиль VK id${id}` },
  en: { open: (id: number) => `Open customer ${id}`, profile: (id: number) => `VK profile id${id}` },
};

/** Fires `vkp-open-customer` from `from` (it bubbles out of every shadow root). */
export function openCustomer(from: EventTarget, vkUserId: number): void {
  from.dispatchEvent(new CustomEvent<VkpOpenCustomerDetail>('vkp-open-customer', { detail: { vkUserId }, bubbles: true, composed: true }));
}

export const profileUrl = (vkUserId: number): string => `https://vk.com/id${vkUserId}`;

/** The id as a button that opens the customer, then the profile link. `null` (no user) is a dash. */
export function userLink(vkUserId: number | null, locale: Locale): TemplateResult {
  if (vkUserId === null) return html`—`;
  const t = TEXTS[locale];
  return html`<span class="user-link"
    ><button type="button" class="link" part="user-link" title=${t.open(vkUserId)} @click=${(e: Event) => openCustomer(e.currentTarget!, vkUserId)}>
      ${vkUserId}</button
    ><a class="profile" part="profile-link" href=${profileUrl(vkUserId)} target="_blank" rel="noopener noreferrer" aria-label=${t.profile(vkUserId)} title=${t.profile(vkUserId)}
      >VK↗</a
    ></span
  >`;
}

/** The look of `userLink()`: the id reads as a link (it is the main action), the profile link as small print. */
export const userLinkStyles = css`
  .user-link {
    display: inline-flex;
    gap: 6px;
    align-items: baseline;
    white-space: nowrap;
  }
  button.link {
    min-height: 0;
    padding: 0;
    border: 0;
    background: none;
    color: var(--_accent);
    font: inherit;
    text-decoration: underline;
    cursor: pointer;
  }
  .profile {
    font-size: 0.8em;
    color: var(--_muted);
  }
`;
