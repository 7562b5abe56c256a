/**
 * The base of every vk-payments element: the shared attributes (`endpoint`, `app-id`, `token`,
 * `locale`, `theme`) and `fetchToken` property, the session (the shell's through context, or one of
 * its own when the element stands alone), a typed `emit()` for the `vkp-*` events, and the states
 * every view shows alike: not configured, loading, no access, failed.
 */
import { API_ERROR_CODES } from '@vk-payments/shared';
import { html, LitElement, type PropertyDeclarations, type TemplateResult } from 'lit';
import { GraphQLClient, GraphQLClientError, type TokenSource } from '../client/graphql-client.js';
import type { Session } from '../client/session.js';
import { describeError } from '../components/form-errors.js';
import type { VkpEvents } from '../events.js';
import { COMMON, pick, toLocale, type CommonStrings, type Locale } from '../i18n.js';
import { base, palette } from '../styles/theme.js';

export class VkpElement extends LitElement {
  static override styles = [palette, base];

  /**
   * The reactive fields, here and in every element, as Lit's `static properties` rather than
   * `@property()`/`@state()` decorators: those bring a decorator runtime and a call per field into
   * the embed, whose size has a budget (scripts/bundle.mjs).
   */
  static override properties: PropertyDeclarations = {
    endpoint: {},
    appId: { attribute: 'app-id', type: Number },
    token: {}, // never `reflect`: see `token` below
    fetchToken: { attribute: false },
    locale: {},
    theme: { reflect: true },
    sharedSession: { attribute: false },
  };

  /** The GraphQL URL, e.g. `https://pay.example.com/graphql`. */
  endpoint = '';

  /** VK's id of the app. */
  appId: number | null = null;

  /**
   * A bearer token of the vk-payments API (a widget session's, usually). Kept in memory only: it is
   * never reflected to an attribute nor rendered, and a `token` attribute a host sets is taken into
   * this property and removed at once (attributeChangedCallback), so the token does not stay readable
   * in the document.
   */
  token = '';

  /** Instead of `token`: an async function returning one; asked again when it expires. */
  fetchToken: TokenSource | undefined;

  /** `ru` (default) or `en`. */
  locale: Locale = 'ru';

  /** `light` or `dark`; unset follows the system. Reflected for the styles. */
  theme: 'light' | 'dark' | undefined;

  /** The shell's session, set by `<vk-payments-admin>` on the views it shows; wins over the attributes. */
  sharedSession: Session | undefined;

  #client: { key: string; fetchToken: TokenSource | undefined; client: GraphQLClient } | undefined;
  #own: Session | undefined;

  /**
   * The session to use: the shell's, or one made from this element's own attributes. The same object
   * comes back while nothing it depends on changes, so it can be a Task argument.
   */
  protected get session(): Session | undefined {
    return this.sharedSession ?? this.ownSession();
  }

  /** A session from this element's own attributes (what a standalone element, or the shell, uses). */
  protected ownSession(): Session | undefined {
    const vkAppId = this.appId;
    if (!this.endpoint || vkAppId === null || !Number.isInteger(vkAppId) || (!this.token && !this.fetchToken)) return undefined;
    // One client per endpoint and token source: switching the language keeps it (and its token).
    const key = `${this.endpoint}\n${this.token}`;
    if (this.#client?.key !== key || this.#client.fetchToken !== this.fetchToken) {
      this.#client = {
        key,
        fetchToken: this.fetchToken,
        client: new GraphQLClient({ endpoint: this.endpoint, token: this.token, fetchToken: this.fetchToken }),
      };
    }
    const { client } = this.#client;
    const own = this.#own;
    if (own?.client !== client || own.vkAppId !== vkAppId || own.locale !== this.activeLocale) {
      this.#own = { client, vkAppId, locale: this.activeLocale };
    }
    return this.#own;
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    // Our own removal below calls back with null: the token it moved stays.
    if (name !== 'token') super.attributeChangedCallback(name, old, value);
    else if (value !== null) {
      this.token = value;
      this.removeAttribute(name);
    }
  }

  /** The locale in effect (the shell's when inside it). */
  get activeLocale(): Locale {
    return this.sharedSession?.locale ?? toLocale(this.locale);
  }

  protected get common(): CommonStrings {
    return pick(COMMON, this.activeLocale);
  }

  /** Fires a `vkp-*` event that bubbles out of every shadow root. */
  protected emit<K extends keyof VkpEvents>(name: K, detail: VkpEvents[K]): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  /** Reports a failed request outward (`vkp-error`) unless it was aborted on purpose; returns it. */
  protected report(err: unknown): unknown {
    if (err instanceof GraphQLClientError) this.emit('vkp-error', { code: err.code, message: err.message });
    return err;
  }

  protected renderNeedConfig(): TemplateResult {
    return html`<p class="muted" part="message">${this.common.needConfig}</p>`;
  }

  protected renderPending(): TemplateResult {
    return html`<p class="muted" part="message" role="status">${this.common.loading}</p>`;
  }

  /**
   * Explains an error: no token or an expired one, no access, or what the server said. `failed` names
   * what failed (a download, a send) in place of the title, when it was not the loading.
   */
  protected renderError(err: unknown, retry?: () => void, failed?: string): TemplateResult {
    const t = this.common;
    const code = err instanceof GraphQLClientError ? err.code : undefined;
    const [title, hint] =
      code === API_ERROR_CODES.UNAUTHENTICATED
        ? [t.unauthenticatedTitle, t.unauthenticatedHint]
        : code === API_ERROR_CODES.FORBIDDEN
          ? [t.forbiddenTitle, t.forbiddenHint]
          : [t.errorTitle, describeError(err, this.activeLocale)];
    return html`<div class="notice error" part="error" role="alert">
      <strong>${failed ?? title}</strong>
      <p>${hint}</p>
      ${retry && code !== API_ERROR_CODES.UNAUTHENTICATED ? html`<button class="secondary" @click=${retry}>${t.retry}</button>` : ''}
    </div>`;
  }
}

/** Registers a tag unless the page already has it: host pages load scripts twice. */
export function defineElement(tag: string, ctor: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, ctor);
}
