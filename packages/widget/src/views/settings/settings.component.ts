import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { FormView, section, type Can, type Loaded } from '../../components/form-view.js';
import { outcomeStyles } from '../../components/outcome.js';
import { formatDateTime } from '../../i18n.js';
import { notAnOrigin, parseOrigins, renderOrigins } from './settings.origins.js';
import { copyEndpoint, renderCheck, renderTesters } from './settings.parts.js';
import { strings, type SettingsStrings } from './settings.strings.js';
import { settingsStyles } from './settings.styles.js';
import { ADD_TESTER, CHECK, isHttpUrl, LOAD, parseVkUserId, REMOVE_TESTER, ROTATE, SAVED_MS, UPDATE } from './settings.types.js';
import type { AppSettings, Answer, NotificationUrlCheck, PaymentTester, Rights } from './settings.types.js';

type Data = Loaded<Answer, Rights>;

/**
 * `<vk-payments-settings>`: the "Payments → Connection → Настройки" tab of VK's panel — the payment
 * notification URL (with a check that calls it as VK would), the address of this server to paste into
 * VK, the API version, the protected key and its rotation, and the payment testers.
 *
 * @fires vkp-saved - A setting was saved. `detail: { what: 'settings' | 'secret' | 'tester' }`.
 * @fires vkp-error - A request failed. `detail: { code, message }`.
 *
 * @csspart section - One block of settings (also `url`, `endpoint`, `origins`, `version`, `secret`, `testers`).
 * @csspart check-result - What the URL check found.
 * @csspart testers - The list of payment testers.
 * @csspart field-error - The message under an input the server or the form refused.
 * @csspart message - A quiet line (loading, not configured).
 * @csspart error - Why nothing could be shown.
 */
export class VkPaymentsSettings extends FormView<Answer, Rights> {
  static override styles = [...FormView.styles, outcomeStyles, settingsStyles];
  static override properties: PropertyDeclarations = {
    saved: { state: true },
    check: { state: true },
    copied: { state: true },
  };

  protected readonly query = LOAD;
  /** The form that just saved, for its "Saved" mark. */
  private saved = '';
  private check: NotificationUrlCheck | undefined;
  private copied: 'ok' | 'failed' | '' = '';
  #savedTimer: ReturnType<typeof setTimeout> | undefined;

  protected rights(can: Can): Rights {
    this.check = undefined; // loading again (another app, token or language): it was about what was shown
    return { canRotate: can('CREATOR', 'ADMIN') };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#savedTimer);
  }

  get #t(): SettingsStrings {
    return strings[this.activeLocale];
  }

  protected renderLoaded(d: Data): TemplateResult {
    const t = this.#t;
    const c = this.common;
    const s = d.app.settings;
    const busy = this.busy !== '';
    const copied = this.copied;
    return html`<h2 class="visually-hidden">${t.title}</h2>
      ${section(
        'url',
        t.urlTitle,
        html`<p class="muted">${t.urlHint}</p>
          <form class="row" novalidate @submit=${this.#saveUrl}>
            <label class="grow"
              >${t.urlLabel}
              <input name="notificationUrl" type="url" autocomplete="off" spellcheck="false" placeholder="https://example.com/vk/payments"
                .value=${s.notificationUrl ?? ''} aria-invalid=${this.bad('notificationUrl')} aria-describedby="notificationUrl-error" />
            </label>
            <button ?disabled=${busy}>${this.busy === 'url' ? c.saving : c.save}</button>
            <button type="button" class="secondary" ?disabled=${busy || !s.notificationUrl} @click=${this.#checkUrl}>${this.busy === 'check' ? t.checking : t.check}</button>
            ${this.#savedMark('url')}
          </form>
          ${this.problem('notificationUrl')} ${this.check ? renderCheck(this.check, t) : nothing}`,
      )}
      ${section(
        'endpoint',
        t.endpointTitle,
        html`<p class="muted">${t.endpointHint}</p>
          <div class="row">
            <label class="grow"
              >${t.endpointLabel}
              <input id="endpoint" readonly .value=${s.endpointUrl} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
            </label>
            <button class="secondary" @click=${this.#copy}>${copied === 'ok' ? `✓ ${c.copied}` : c.copy}</button>
          </div>
          <p class="small ${copied === 'failed' ? 'bad' : 'visually-hidden'}" role="status">${copied && (copied === 'ok' ? c.copied : t.copyFailed)}</p>`,
      )}
      ${renderOrigins(s.miniAppOrigins, { t, c, busy: this.busy, invalid: this.bad('miniAppOrigins'), problem: this.problem('miniAppOrigins'), savedMark: this.#savedMark('origins'), submit: this.#saveOrigins })}
      ${section(
        'version',
        t.versionTitle,
        html`<form class="row" novalidate @submit=${this.#saveVersion}>
            <label
              >${t.versionLabel}
              <select name="apiVersion" ?disabled=${s.apiVersionLocked} aria-describedby="version-note apiVersion-error" aria-invalid=${this.bad('apiVersion')}>
                ${s.supportedApiVersions.map((v) => html`<option ?selected=${v === s.apiVersion}>${v}</option>`)}
              </select>
            </label>
            ${s.apiVersionLocked ? nothing : html`<button ?disabled=${busy}>${c.save}</button>`} ${this.#savedMark('version')}
          </form>
          ${
            s.apiVersionLocked
              ? html`<p class="notice small" id="version-note">
                ${t.versionLocked}
                ${d.app.vkRegisteredAt ? t.registeredOn(new Date(d.app.vkRegisteredAt).toLocaleDateString(this.activeLocale, { dateStyle: 'long' })) : t.registeredUnknown}
              </p>`
              : nothing
          }
          ${this.problem('apiVersion')}`,
      )}
      ${section(
        'secret',
        t.secretTitle,
        html`<p>${t.secretCurrent}: <code class="hint">${s.secretKeyHint}</code></p>
          ${
            s.previousSecretKeyHint && s.previousSecretExpiresAt
              ? html`<p class="warn small">${t.secretPrevious(s.previousSecretKeyHint, formatDateTime(s.previousSecretExpiresAt, this.activeLocale))}</p>`
              : nothing
          }
          ${
            d.canRotate
              ? html`<form class="row" novalidate @submit=${this.#rotate}>
                  <label class="grow"
                    >${t.secretNew}
                    <input name="secretKey" type="password" autocomplete="new-password" spellcheck="false" aria-invalid=${this.bad('secretKey')} aria-describedby="secretKey-error" />
                  </label>
                  <label
                    >${t.overlap}
                    <input class="hours" name="overlapHours" type="number" min="0" max="168" value="24" aria-invalid=${this.bad('overlapHours')} aria-describedby="overlap-hint overlapHours-error" />
                  </label>
                  <button ?disabled=${busy}>${t.rotate}</button>
                  ${this.#savedMark('secret')}
                </form>
                <p class="muted small" id="overlap-hint">${t.overlapHint}</p>
                ${this.problem('secretKey')} ${this.problem('overlapHours')}`
              : nothing
          }`,
      )}
      ${section(
        'testers',
        t.testersTitle,
        html`<p class="muted">${t.testersHint}</p>
          <form class="row" novalidate @submit=${this.#addTester}>
            <label class="grow"
              >${t.testerId}
              <input name="vkUserId" inputmode="numeric" autocomplete="off" placeholder="12345" aria-invalid=${this.bad('vkUserId')} aria-describedby="vkUserId-error" />
            </label>
            <button ?disabled=${busy}>${c.add}</button>
            ${this.#savedMark('tester')}
          </form>
          ${this.problem('vkUserId')}
          ${renderTesters(d.testers, { t, c, locale: this.activeLocale, busy, remove: (user) => this.#removeTester(user) })}
          ${this.problem('testers')}`,
      )}`;
  }

  #savedMark(form: string): TemplateResult | typeof nothing {
    return this.saved === form ? html`<span class="saved ok" role="status">✓ ${this.common.saved}</span>` : nothing;
  }

  /** The "Saved" mark goes beside the form that saved (a check saves nothing). */
  protected override settle(_d: Data, ok: boolean): Promise<void> {
    this.saved = ok && this.busy !== 'check' ? this.busy : '';
    clearTimeout(this.#savedTimer);
    this.#savedTimer = setTimeout(() => (this.saved = ''), SAVED_MS);
    return Promise.resolve();
  }

  /** A change of settings: every such mutation answers them under `r`; a refusal goes under the first of `fields`. */
  #set(form: string, what: string, fields: string[], query: string, variables: object): Promise<boolean> {
    return this.act(form, what, fields, fields[0]!, async (d) => {
      const { r } = await d.session.client.request<{ r: { settings: AppSettings } }>(query, { id: d.session.vkAppId, ...variables });
      this.data = { ...d, app: { ...d.app, settings: r.settings } };
    });
  }

  /** What the form submitted holds (text fields only), its own submission stopped. */
  #values(e: SubmitEvent): Record<string, string> {
    e.preventDefault();
    return Object.fromEntries(new FormData(e.target as HTMLFormElement)) as Record<string, string>;
  }

  #saveUrl = async (e: SubmitEvent): Promise<void> => {
    const value = this.#values(e).notificationUrl!.trim();
    // An empty field clears the URL (the server takes null for that).
    if (value && !isHttpUrl(value)) return this.refuse({ notificationUrl: this.#t.urlInvalid });
    // A check was about the old address.
    if (await this.#set('url', 'settings', ['notificationUrl'], UPDATE, { input: { notificationUrl: value || null } }))
      this.check = undefined;
  };

  #checkUrl = (): void => {
    this.check = undefined;
    void this.act('check', '', ['notificationUrl'], 'notificationUrl', async (d) => {
      this.check = (await d.session.client.request<{ r: NotificationUrlCheck }>(CHECK, { id: d.session.vkAppId })).r;
    });
  };

  #copy = async (): Promise<void> => {
    this.copied = await copyEndpoint(this.data!.app.settings.endpointUrl, this.renderRoot.querySelector<HTMLInputElement>('#endpoint'));
    setTimeout(() => (this.copied = ''), SAVED_MS);
  };

  #saveOrigins = (e: SubmitEvent): void => {
    const miniAppOrigins = parseOrigins(this.#values(e).miniAppOrigins!);
    if (notAnOrigin(miniAppOrigins)) return void this.refuse({ miniAppOrigins: this.#t.originsInvalid });
    void this.#set('origins', 'settings', ['miniAppOrigins'], UPDATE, { input: { miniAppOrigins } });
  };

  #saveVersion = (e: SubmitEvent): void => {
    void this.#set('version', 'settings', ['apiVersion'], UPDATE, { input: this.#values(e) });
  };

  #rotate = async (e: SubmitEvent): Promise<void> => {
    // Taken now: once the event is dispatched, its target (in a shadow root) is cleared.
    const form = e.target as HTMLFormElement;
    const { secretKey: key, overlapHours } = this.#values(e);
    const hours = Number(overlapHours || 24);
    if (!/^\S{8,}$/.test(key!)) return this.refuse({ secretKey: this.#t.secretShort });
    if (!Number.isInteger(hours) || hours < 0 || hours > 168) return this.refuse({ overlapHours: this.#t.overlapInvalid });
    // The key is not kept in the page a moment longer than needed.
    if (await this.#set('secret', 'secret', ['secretKey', 'overlapHours'], ROTATE, { key, hours })) form.reset();
  };

  #addTester = async (e: SubmitEvent): Promise<void> => {
    const form = e.target as HTMLFormElement;
    const user = parseVkUserId(this.#values(e).vkUserId!);
    if (user === null) return this.refuse({ vkUserId: this.#t.testerIdInvalid });
    const done = await this.act('tester', 'tester', ['vkUserId'], 'vkUserId', async (d) => {
      const { r } = await d.session.client.request<{ r: PaymentTester }>(ADD_TESTER, { id: d.session.vkAppId, user });
      // Newest first, as the server lists them; adding one already there changes nothing.
      this.data = { ...d, testers: [r, ...d.testers.filter((x) => x.vkUserId !== user)] };
    });
    if (done) form.reset();
  };

  #removeTester(user: number): void {
    void this.act('tester', 'tester', [], 'testers', async (d) => {
      await d.session.client.request(REMOVE_TESTER, { id: d.session.vkAppId, user });
      this.data = { ...d, testers: d.testers.filter((x) => x.vkUserId !== user) };
    });
  }
}
