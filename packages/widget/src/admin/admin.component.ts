import { initialState, Task } from '@lit/task';
import { API_ERROR_CODES } from '@vk-payments/shared';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { GraphQLClient, GraphQLClientError } from '../client/graphql-client.js';
import type { VkpErrorDetail, VkpErrorEvent } from '../events.js';
import { stringsFor, toLocale, type Locale, type Strings } from '../strings.js';
import { ADMIN_QUERY, LATEST_PAYMENTS, type AdminData, type TransactionRow } from './admin.query.js';
import { adminStyles } from './admin.styles.js';

/** Lets a long URL wrap after its slashes rather than in the middle of a word. */
const breakable = (url: string): Array<string | TemplateResult> =>
  url.split(/(?<=[^/]\/)/).map((piece, i) => (i === 0 ? piece : html`<wbr />${piece}`));

/**
 * The admin shell for one VK Mini App: its payment settings and latest payments, loaded from the
 * vk-payments GraphQL API. Registering the tag is `admin.ts`'s job; this module has no side effects.
 *
 * @fires vkp-error - A request failed. `detail: { code, message }`; `code` is the server's
 *   `extensions.code` (e.g. `UNAUTHENTICATED`) or `NETWORK_ERROR` / `BAD_RESPONSE`. Bubbles, composed.
 *
 * @csspart base - The framed box around everything.
 * @csspart header - The app's name and settings.
 * @csspart title - The app's name.
 * @csspart settings - The list of the app's payment settings.
 * @csspart table - The table of latest payments.
 * @csspart status - A payment's status; also carries `status-chargeable` or `status-refunded`.
 * @csspart badge - The "test" mark of a test payment.
 * @csspart message - A quiet line: loading, nothing yet, attributes missing.
 * @csspart error - Why nothing could be loaded.
 *
 * @cssproperty --vkp-font-family - Text font.
 * @cssproperty --vkp-font-size - Base text size (14px).
 * @cssproperty --vkp-space - Padding of the box and between its sections (16px).
 * @cssproperty --vkp-radius - Corner radius of the box (12px).
 * @cssproperty --vkp-color-bg - Background of the box.
 * @cssproperty --vkp-color-surface - Background of table headings and the error box.
 * @cssproperty --vkp-color-text - Main text.
 * @cssproperty --vkp-color-muted - Labels and secondary text.
 * @cssproperty --vkp-color-border - Frame and row lines.
 * @cssproperty --vkp-color-accent - Links.
 * @cssproperty --vkp-color-success - The "paid" status.
 * @cssproperty --vkp-color-danger - The "refunded" status and errors.
 * @cssproperty --vkp-color-badge-bg - Background of the "test" badge.
 * @cssproperty --vkp-color-badge-text - Text of the "test" badge.
 */
export class VkPaymentsAdmin extends LitElement {
  static override styles = adminStyles;

  /** The GraphQL URL, e.g. `https://pay.example.com/graphql`. */
  @property() endpoint = '';

  /** VK's id of the app to show. */
  @property({ attribute: 'app-id', type: Number }) appId: number | null = null;

  /** A bearer token of the vk-payments API. */
  @property() token = '';

  /** `ru` (default) or `en`; anything else reads as `ru`. */
  @property() locale: Locale = 'ru';

  /** Forces a palette; unset follows the system's `prefers-color-scheme`. Reflected for the styles. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  readonly #data = new Task(this, {
    args: () => [this.endpoint, this.appId, this.token] as const,
    task: async ([endpoint, vkAppId, token], { signal }) => {
      if (!endpoint || vkAppId === null || !Number.isInteger(vkAppId)) return initialState;
      const client = new GraphQLClient({ endpoint, token });
      try {
        return await client.request<AdminData>(ADMIN_QUERY, { vkAppId, first: LATEST_PAYMENTS }, signal);
      } catch (err) {
        // A superseded request was aborted on purpose: nobody needs to hear about it.
        if (err instanceof GraphQLClientError && !signal.aborted) this.#emitError({ code: err.code, message: err.message });
        throw err;
      }
    },
  });

  override render(): TemplateResult {
    // Normalised here, not by an attribute converter, so a bad value set as a property is caught too.
    const locale = toLocale(this.locale);
    const t = stringsFor(locale);
    return html`<div part="base" lang=${locale}>
      ${this.#data.render({
        initial: () => html`<p part="message">${t.needConfig}</p>`,
        pending: () => html`<p part="message" role="status">${t.loading}</p>`,
        complete: (data) => [this.#renderHeader(data.app, t), this.#renderPayments(data.transactions, t, locale)],
        error: (err) => this.#renderError(err, t),
      })}
    </div>`;
  }

  #renderHeader({ vkAppId, name, settings }: AdminData['app'], t: Strings): TemplateResult {
    return html`<header part="header">
      <h2 part="title">${name}</h2>
      <span class="muted">${t.vkApp} ${vkAppId}</span>
      <dl part="settings">
        <dt>${t.endpointUrl}</dt>
        <dd><code>${breakable(settings.endpointUrl)}</code></dd>
        <dt>${t.notificationUrl}</dt>
        <dd>${settings.notificationUrl ? html`<code>${breakable(settings.notificationUrl)}</code>` : html`<span class="muted">${t.notSet}</span>`}</dd>
        <dt>${t.secretKey}</dt>
        <dd><code>${settings.secretKeyHint}</code></dd>
        <dt>${t.apiVersion}</dt>
        <dd>${settings.apiVersion}</dd>
      </dl>
    </header>`;
  }

  #renderPayments({ totalCount, edges }: AdminData['transactions'], t: Strings, locale: Locale): TemplateResult {
    const time = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
    const row = (p: TransactionRow): TemplateResult => html`<tr>
      <td class="time"><time datetime=${p.createdAt}>${time.format(new Date(p.createdAt))}</time></td>
      <td class="user"><a href="https://vk.com/id${p.vkUserId}" target="_blank" rel="noopener noreferrer">id${p.vkUserId}</a></td>
      <td class="item" title=${p.itemId}>${p.title}</td>
      <td class="votes num">${p.price}<span class="unit"> ${t.votesUnit(p.price)}</span></td>
      <td class="status">
        <span part="status status-${p.status.toLowerCase()}">${t[p.status]}</span>${p.test
          ? html`<span part="badge" title=${t.testTitle}>${t.test}</span>`
          : nothing}
      </td>
    </tr>`;

    return html`<section>
      <h3>${t.transactions}${edges.length ? html`<span class="muted">${t.shownOf(edges.length, totalCount)}</span>` : nothing}</h3>
      ${edges.length === 0
        ? html`<p part="message">${t.empty}</p>`
        : html`<div class="scroll">
            <table part="table">
              <thead>
                <tr>
                  <th scope="col">${t.time}</th>
                  <th scope="col">${t.user}</th>
                  <th scope="col">${t.item}</th>
                  <th scope="col" class="num">${t.votes}</th>
                  <th scope="col">${t.status}</th>
                </tr>
              </thead>
              <tbody>${edges.map(({ node }) => row(node))}</tbody>
            </table>
          </div>`}
    </section>`;
  }

  #renderError(err: unknown, t: Strings): TemplateResult {
    if (err instanceof GraphQLClientError && err.code === API_ERROR_CODES.UNAUTHENTICATED) {
      return html`<div part="error" role="alert">
        <strong>${t.unauthenticatedTitle}</strong>
        <p>${t.unauthenticatedHint}</p>
      </div>`;
    }
    return html`<div part="error" role="alert">
      <strong>${t.errorTitle}</strong>
      <p>${err instanceof Error ? err.message : String(err)}</p>
    </div>`;
  }

  #emitError(detail: VkpErrorDetail): void {
    this.dispatchEvent(new CustomEvent('vkp-error', { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'vk-payments-admin': VkPaymentsAdmin;
  }
  // Declared beside the element that fires it, so its .d.ts carries the typing to every entry point.
  interface GlobalEventHandlersEventMap {
    'vkp-error': VkpErrorEvent;
  }
}
