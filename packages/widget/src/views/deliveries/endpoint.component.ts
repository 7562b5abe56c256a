import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { FormView, section, type Can, type Loaded } from '../../components/form-view.js';
import { formatDateTime } from '../../i18n.js';
import type { EndpointLoadQuery, EndpointRotateMutation, EndpointSetMutation } from '../../generated/operations.js';
import { strings, type DeliveriesStrings } from './deliveries.strings.js';
import { endpointStyles } from './endpoint.styles.js';

const FIELDS = 'url enabled syncMode secretHint previousSecretHint previousSecretExpiresAt';
export const LOAD = `query($id:Int!){fulfilmentEndpoint(vkAppId:$id){${FIELDS}}}`;
export const SET = `mutation($id:Int!,$input:FulfilmentEndpointInput!){r:setFulfilmentEndpoint(vkAppId:$id,input:$input){signingSecret endpoint{${FIELDS}}}}`;
export const ROTATE = `mutation($id:Int!,$hours:Int){r:rotateFulfilmentSecret(vkAppId:$id,overlapHours:$hours){signingSecret endpoint{${FIELDS}}}}`;

type Rights = { canEdit: boolean };
type Data = Loaded<EndpointLoadQuery, Rights>;

/**
 * `<vk-payments-fulfilment-endpoint>`: the app's game-backend webhook, as the Deliveries view shows it
 * above its list. CREATOR and ADMIN (who may hand out a signing secret, like an API key) change the URL,
 * switch it on or off, choose sync mode and rotate the secret, choosing how long the old one keeps
 * signing beside it (24 h unless chosen; "now" ends it at once); the new secret is shown once, with a
 * copy button, and is gone from the page once dismissed; until the old one stops, the block says when.
 * PAYMENTS_ADMIN reads the settings only.
 *
 * @fires vkp-saved - Saved (`what: 'fulfilment'`) or the secret rotated (`what: 'secret'`).
 * @fires vkp-error - A request failed. `detail: { code, message }`.
 *
 * @csspart section - The block (also `hook`).
 * @csspart secret - The new secret, shown once.
 * @csspart field-error - A refused value, under its input.
 */
export class VkPaymentsFulfilmentEndpoint extends FormView<EndpointLoadQuery, Rights> {
  static override styles = [...FormView.styles, endpointStyles];
  static override properties: PropertyDeclarations = {
    secret: { state: true },
    confirmRotate: { state: true },
    overlapHours: { state: true },
    copied: { state: true },
    saved: { state: true },
  };

  protected readonly query = LOAD;
  /** The secret just made: kept only until dismissed, never in an attribute or storage. */
  private secret = '';
  private confirmRotate = false;
  /** The overlap chosen in the confirmation (the server's default until changed). */
  private overlapHours = 24;
  private copied: 'ok' | 'failed' | '' = '';
  /** Whether the last save went through (the "Saved" mark), until the next change. */
  private saved = false;

  protected rights(can: Can): Rights {
    return { canEdit: can('CREATOR', 'ADMIN') };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.secret = ''; // not kept for whoever mounts the element next
  }

  get #t(): DeliveriesStrings {
    return strings[this.activeLocale];
  }

  protected renderLoaded(d: Data): TemplateResult {
    const t = this.#t;
    return section(
      'hook',
      t.hookTitle,
      html`<p class="muted small">${t.hookHint}</p>
        ${this.secret ? this.#renderSecret(t) : nothing} ${d.canEdit ? this.#renderForm(d, t) : this.#renderReadOnly(d, t)}`,
    );
  }

  #renderReadOnly({ fulfilmentEndpoint: e }: Data, t: DeliveriesStrings): TemplateResult {
    if (!e) return html`<p>${t.noHook}</p>`;
    const yesNo = (v: boolean): string => (v ? t.yes : t.no);
    return html`<dl class="facts">
      <dt>${t.url}</dt><dd><code>${e.url}</code></dd>
      <dt>${t.enabled}</dt><dd>${yesNo(e.enabled)}</dd>
      <dt>${t.syncMode}</dt><dd>${yesNo(e.syncMode)}</dd>
      <dt>${t.secret}</dt><dd><code>${e.secretHint}</code></dd>
    </dl>
    ${this.#renderPrevious(e, t)}`;
  }

  /** Until when the old secret still signs, after a rotation with an overlap. */
  #renderPrevious(e: NonNullable<Data['fulfilmentEndpoint']>, t: DeliveriesStrings): TemplateResult | typeof nothing {
    if (!e.previousSecretHint || !e.previousSecretExpiresAt) return nothing;
    return html`<p class="warn small" id="previous-secret" role="status">
      ${t.previousUntil(e.previousSecretHint, formatDateTime(e.previousSecretExpiresAt, this.activeLocale))}
    </p>`;
  }

  #renderForm({ fulfilmentEndpoint: e }: Data, t: DeliveriesStrings): TemplateResult {
    const busy = this.busy !== '';
    const c = this.common;
    return html`<form novalidate @submit=${this.#save}>
        <label>${t.url}
          <input name="url" type="url" autocomplete="off" spellcheck="false" placeholder="https://game.example.com/vk-grant" .value=${e?.url ?? ''}
            aria-invalid=${this.bad('url')} aria-describedby="url-error" />
        </label>
        ${this.problem('url')}
        <label class="check"><input type="checkbox" name="enabled" .checked=${e?.enabled ?? true} />${t.enabled}</label>
        <label class="check"><input type="checkbox" name="syncMode" .checked=${e?.syncMode ?? false} />${t.syncMode}</label>
        <div class="row">
          <button ?disabled=${busy}>${this.busy === 'save' ? c.saving : c.save}</button>
          ${this.busy === '' && this.saved ? html`<span class="ok" role="status">✓ ${c.saved}</span>` : nothing}
        </div>
      </form>
      ${
        e
          ? html`<p>${t.secret}: <code>${e.secretHint}</code></p>
            ${this.#renderPrevious(e, t)}
            ${
              this.confirmRotate
                ? html`<div class="notice" role="group" aria-labelledby="rotate-text">
                    <p id="rotate-text">${t.confirmRotate}</p>
                    <label>${t.overlap}
                      <select id="overlap" @change=${(ev: Event) => (this.overlapHours = Number((ev.target as HTMLSelectElement).value))}>
                        ${t.overlapChoices.map(([h, label]) => html`<option value=${h} ?selected=${h === this.overlapHours}>${label}</option>`)}
                      </select>
                    </label>
                    ${this.overlapHours === 0 ? html`<p class="warn small">${t.overlapNowWarn}</p>` : nothing}
                    <div class="row">
                      <button class="danger" id="rotate-yes" ?disabled=${busy} @click=${this.#rotate}>${t.rotate}</button>
                      <button class="secondary" @click=${() => (this.confirmRotate = false)}>${t.cancel}</button>
                    </div>
                  </div>`
                : html`<button class="secondary" ?disabled=${busy} @click=${this.#askRotate}>${t.rotate}</button>`
            }
            ${this.problem('rotate')}`
          : nothing
      }`;
  }

  #renderSecret(t: DeliveriesStrings): TemplateResult {
    const c = this.common;
    return html`<div class="notice secret" part="secret" role="group" aria-labelledby="secret-title">
      <strong id="secret-title">${t.newSecret}</strong>
      <div class="row">
        <input id="secret" readonly aria-labelledby="secret-title" aria-describedby="secret-once" .value=${this.secret}
          @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
        <button class="secondary" @click=${this.#copy}>${this.copied === 'ok' ? `✓ ${c.copied}` : c.copy}</button>
        <button class="secondary" @click=${() => (this.secret = '')}>${t.done}</button>
      </div>
      <p id="secret-once" class="warn">${t.secretOnce}</p>
      <p class="small ${this.copied === 'failed' ? 'bad' : 'visually-hidden'}" role="status">${this.copied && (this.copied === 'ok' ? c.copied : t.copyFailed)}</p>
    </div>`;
  }

  protected override settle(_d: Data, ok: boolean): Promise<void> {
    this.saved = ok && this.busy === 'save';
    return Promise.resolve();
  }

  #save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const value = form.get('url');
    const url = typeof value === 'string' ? value.trim() : '';
    if (!/^https?:\/\/\S+$/i.test(url)) return this.refuse({ url: this.#t.urlInvalid });
    const input = { url, enabled: form.has('enabled'), syncMode: form.has('syncMode') };
    await this.act('save', 'fulfilment', ['url'], 'url', async (d) => {
      const { r } = await d.session.client.request<EndpointSetMutation>(SET, { id: d.session.vkAppId, input });
      this.data = { ...d, fulfilmentEndpoint: r.endpoint };
      // A new webhook gets its first secret in this answer: shown once, like a rotated one.
      if (r.signingSecret) void this.#show(r.signingSecret);
    });
  };

  #askRotate = async (): Promise<void> => {
    this.confirmRotate = true;
    this.overlapHours = 24;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#rotate-yes')?.focus();
  };

  #rotate = async (): Promise<void> => {
    this.confirmRotate = false;
    await this.act('rotate', 'secret', [], 'rotate', async (d) => {
      const { r } = await d.session.client.request<EndpointRotateMutation>(ROTATE, { id: d.session.vkAppId, hours: this.overlapHours });
      this.data = { ...d, fulfilmentEndpoint: r.endpoint };
      void this.#show(r.signingSecret!);
    });
  };

  /** Shows the secret and puts the focus on it, so a keyboard or screen reader user lands on it. */
  async #show(secret: string): Promise<void> {
    this.secret = secret;
    this.copied = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('#secret')?.focus();
  }

  #copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(this.secret);
      this.copied = 'ok';
    } catch {
      // No clipboard (an insecure page, a refused permission): select it so Ctrl+C works.
      this.copied = 'failed';
      this.renderRoot.querySelector<HTMLInputElement>('#secret')?.select();
    }
  };
}
