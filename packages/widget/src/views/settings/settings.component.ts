import { Task } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { VkpElement } from '../../base/vkp-element.js';
import { errorFor, fieldError, type FieldErrors } from '../../components/form-errors.js';
import { viewStyles } from '../../components/view-styles.js';
import { formatDateTime, pick } from '../../i18n.js';
import { renderCheck, renderTesters } from './settings.parts.js';
import { strings, type SettingsStrings } from './settings.strings.js';
import { settingsStyles } from './settings.styles.js';
import { ADD_TESTER, CHECK, isHttpUrl, LOAD, parseVkUserId, REMOVE_TESTER, ROTATE, UPDATE } from './settings.types.js';
import type { AppSettings, Loaded, NotificationUrlCheck, PaymentTester } from './settings.types.js';

/** How long "Saved" stays beside the button. */
const SAVED_MS = 4000;

/**
 * `<vk-payments-settings>`: the "Payments → Connection → Настройки" tab of VK's panel — the payment
 * notification URL (with a check that calls it as VK would), the address of this server to paste into
 * VK, the API version, the protected key and its rotation, and the payment testers.
 *
 * @fires vkp-saved - A setting was saved. `detail: { what: 'settings' | 'secret' | 'tester' }`.
 * @fires vkp-error - A request failed. `detail: { code, message }`.
 *
 * @csspart section - One block of settings (also `url`, `endpoint`, `version`, `secret`, `testers`).
 * @csspart check-result - What the URL check found.
 * @csspart testers - The list of payment testers.
 * @csspart field-error - The message under an input the server or the form refused.
 * @csspart message - A quiet line (loading, not configured).
 * @csspart error - Why nothing could be shown.
 */
export class VkPaymentsSettings extends VkpElement {
  static override styles = [...VkpElement.styles, viewStyles, settingsStyles];

  @state() private data: Loaded | undefined;
  @state() private errors: FieldErrors = {};
  /** The action running now; its buttons (and the others of the view) wait. */
  @state() private busy = '';
  /** The form that just saved, for its "Saved" mark. */
  @state() private saved = '';
  @state() private check: NotificationUrlCheck | undefined;
  @state() private copied: 'ok' | 'failed' | '' = '';
  #savedTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #load = new Task(this, {
    args: () => [this.session] as const,
    task: async ([session], { signal }) => {
      if (!session) return;
      try {
        const [d, me] = await Promise.all([
          session.client.request<{ app: { vkRegisteredAt: string | null; settings: AppSettings }; paymentTesters: PaymentTester[] }>(LOAD, { id: session.vkAppId }, signal),
          session.client.me(),
        ]);
        this.check = undefined;
        this.errors = {};
        this.data = {
          session,
          vkRegisteredAt: d.app.vkRegisteredAt,
          settings: d.app.settings,
          testers: d.paymentTesters,
          canRotate: me.kind === 'root' || me.role === 'CREATOR' || me.role === 'ADMIN',
        };
      } catch (err) {
        throw this.report(err);
      }
    },
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#savedTimer);
  }

  override render(): TemplateResult {
    const session = this.session;
    if (!session) return this.renderNeedConfig();
    // Data of another app or token is never shown: the task is loading the new one.
    if (this.data?.session === session) return this.#renderLoaded(this.data, pick(strings, this.activeLocale));
    return this.#load.render({
      initial: () => this.renderPending(),
      pending: () => this.renderPending(),
      complete: () => this.renderPending(),
      error: (err) => this.renderError(err, () => void this.#load.run()),
    }) as TemplateResult;
  }

  #renderLoaded(d: Loaded, t: SettingsStrings): TemplateResult {
    const s = d.settings;
    const busy = this.busy !== '';
    return html`<h2 class="visually-hidden">${t.title}</h2>
      <section class="section" part="section url" aria-labelledby="url-title">
        <h3 id="url-title">${t.urlTitle}</h3>
        <p class="muted">${t.urlHint}</p>
        <form class="row" novalidate @submit=${this.#saveUrl}>
          <label class="grow"
            >${t.urlLabel}
            <input name="notificationUrl" type="url" inputmode="url" autocomplete="off" spellcheck="false" placeholder="https://example.com/vk/payments"
              .value=${s.notificationUrl ?? ''} aria-invalid=${this.#bad('notificationUrl')} aria-describedby="notificationUrl-error" />
          </label>
          <button type="submit" ?disabled=${busy}>${this.busy === 'url' ? this.common.saving : this.common.save}</button>
          <button type="button" class="secondary" ?disabled=${busy || !s.notificationUrl} @click=${this.#checkUrl}>${this.busy === 'check' ? t.checking : t.check}</button>
          ${this.#savedMark('url')}
        </form>
        ${fieldError('notificationUrl', this.errors.notificationUrl)} ${this.check ? renderCheck(this.check, t) : nothing}
      </section>

      <section class="section" part="section endpoint" aria-labelledby="endpoint-title">
        <h3 id="endpoint-title">${t.endpointTitle}</h3>
        <p class="muted">${t.endpointHint}</p>
        <div class="row">
          <label class="grow"
            >${t.endpointLabel}
            <input id="endpoint" readonly .value=${s.endpointUrl} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
          </label>
          <button type="button" class="secondary" @click=${this.#copy}>${this.copied === 'ok' ? `✓ ${this.common.copied}` : this.common.copy}</button>
        </div>
        <p class="small ${this.copied === 'failed' ? 'bad' : 'visually-hidden'}" role="status">${this.copied === 'ok' ? this.common.copied : this.copied === 'failed' ? t.copyFailed : ''}</p>
      </section>

      <section class="section" part="section version" aria-labelledby="version-title">
        <h3 id="version-title">${t.versionTitle}</h3>
        <form class="row" novalidate @submit=${this.#saveVersion}>
          <label
            >${t.versionLabel}
            <select name="apiVersion" ?disabled=${s.apiVersionLocked} aria-describedby="version-note apiVersion-error" aria-invalid=${this.#bad('apiVersion')}>
              ${s.supportedApiVersions.map((v) => html`<option value=${v} ?selected=${v === s.apiVersion}>${v}</option>`)}
            </select>
          </label>
          ${s.apiVersionLocked ? nothing : html`<button type="submit" ?disabled=${busy}>${this.common.save}</button>`} ${this.#savedMark('version')}
        </form>
        ${s.apiVersionLocked
          ? html`<p class="notice small" id="version-note">
              ${t.versionLocked} ${d.vkRegisteredAt ? t.registeredOn(new Intl.DateTimeFormat(this.activeLocale, { dateStyle: 'long' }).format(new Date(d.vkRegisteredAt))) : t.registeredUnknown}
            </p>`
          : nothing}
        ${fieldError('apiVersion', this.errors.apiVersion)}
      </section>

      <section class="section" part="section secret" aria-labelledby="secret-title">
        <h3 id="secret-title">${t.secretTitle}</h3>
        <p>${t.secretCurrent}: <code class="hint">${s.secretKeyHint}</code></p>
        ${s.previousSecretKeyHint && s.previousSecretExpiresAt
          ? html`<p class="warn small">${t.secretPrevious(s.previousSecretKeyHint, formatDateTime(s.previousSecretExpiresAt, this.activeLocale))}</p>`
          : nothing}
        ${d.canRotate ? this.#renderRotate(t, busy) : nothing}
      </section>

      <section class="section" part="section testers" aria-labelledby="testers-title">
        <h3 id="testers-title">${t.testersTitle}</h3>
        <p class="muted">${t.testersHint}</p>
        <form class="row" novalidate @submit=${this.#addTester}>
          <label class="grow"
            >${t.testerId}
            <input name="vkUserId" inputmode="numeric" autocomplete="off" placeholder="12345" aria-invalid=${this.#bad('vkUserId')} aria-describedby="vkUserId-error" />
          </label>
          <button type="submit" ?disabled=${busy}>${this.common.add}</button>
          ${this.#savedMark('tester')}
        </form>
        ${fieldError('vkUserId', this.errors.vkUserId)} ${renderTesters(d.testers, t, this.common, this.activeLocale, busy, (id) => void this.#removeTester(id))}
        ${fieldError('testers', this.errors.testers)}
      </section>`;
  }

  #renderRotate(t: SettingsStrings, busy: boolean): TemplateResult {
    return html`<form class="row" novalidate @submit=${this.#rotate}>
        <label class="grow"
          >${t.secretNew}
          <input name="secretKey" type="password" autocomplete="new-password" spellcheck="false" aria-invalid=${this.#bad('secretKey')} aria-describedby="secretKey-error" />
        </label>
        <label
          >${t.overlap}
          <input class="hours" name="overlapHours" type="number" min="0" max="168" step="1" value="24" aria-invalid=${this.#bad('overlapHours')} aria-describedby="overlap-hint overlapHours-error" />
        </label>
        <button type="submit" ?disabled=${busy}>${t.rotate}</button>
        ${this.#savedMark('secret')}
      </form>
      <p class="muted small" id="overlap-hint">${t.overlapHint}</p>
      ${fieldError('secretKey', this.errors.secretKey)} ${fieldError('overlapHours', this.errors.overlapHours)}`;
  }

  #bad(field: string): 'true' | 'false' {
    return this.errors[field] ? 'true' : 'false';
  }

  #savedMark(form: string): TemplateResult | typeof nothing {
    return this.saved === form ? html`<span class="saved ok" role="status">✓ ${this.common.saved}</span>` : nothing;
  }

  /** Shows the errors and moves focus to the first input concerned, so a keyboard user lands on it. */
  async #refuse(errors: FieldErrors): Promise<void> {
    this.errors = errors;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  /**
   * Runs one change: one at a time, errors shown where they concern (`fields`, else `fallback`),
   * then `vkp-saved` and the "Saved" mark of `form`.
   */
  async #act(form: string, what: string | null, fields: readonly string[], fallback: string, change: (d: Loaded) => Promise<void>): Promise<boolean> {
    const d = this.data;
    if (!d || this.busy) return false;
    this.busy = form;
    this.errors = {};
    this.saved = '';
    try {
      await change(d);
      if (what) {
        this.emit('vkp-saved', { what });
        this.saved = form;
        clearTimeout(this.#savedTimer);
        this.#savedTimer = setTimeout(() => (this.saved = ''), SAVED_MS);
      }
      return true;
    } catch (err) {
      this.report(err);
      await this.#refuse(errorFor(err, fields, fallback, this.common.forbiddenHint));
      return false;
    } finally {
      this.busy = '';
    }
  }

  #update(d: Loaded, settings: AppSettings): void {
    this.data = { ...d, settings };
  }

  #saveUrl = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const value = new FormData(e.target as HTMLFormElement).get('notificationUrl')?.toString().trim() ?? '';
    // An empty field clears the URL (the server takes null for that).
    if (value && !isHttpUrl(value)) return this.#refuse({ notificationUrl: pick(strings, this.activeLocale).urlInvalid });
    await this.#act('url', 'settings', ['notificationUrl'], 'notificationUrl', async (d) => {
      const r = await d.session.client.request<{ updatePaymentSettings: { settings: AppSettings } }>(UPDATE, { id: d.session.vkAppId, input: { notificationUrl: value || null } });
      this.#update(d, r.updatePaymentSettings.settings);
      this.check = undefined; // it was about the old address
    });
  };

  #checkUrl = async (): Promise<void> => {
    this.check = undefined;
    await this.#act('check', null, ['notificationUrl'], 'notificationUrl', async (d) => {
      this.check = (await d.session.client.request<{ checkNotificationUrl: NotificationUrlCheck }>(CHECK, { id: d.session.vkAppId })).checkNotificationUrl;
    });
  };

  #copy = async (): Promise<void> => {
    const url = this.data?.settings.endpointUrl ?? '';
    try {
      await navigator.clipboard.writeText(url);
      this.copied = 'ok';
    } catch {
      // No clipboard (an insecure page, a refused permission): select it so Ctrl+C works.
      this.copied = 'failed';
      this.renderRoot.querySelector<HTMLInputElement>('#endpoint')?.select();
    }
    setTimeout(() => (this.copied = ''), SAVED_MS);
  };

  #saveVersion = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const apiVersion = new FormData(e.target as HTMLFormElement).get('apiVersion')?.toString();
    await this.#act('version', 'settings', ['apiVersion'], 'apiVersion', async (d) => {
      const r = await d.session.client.request<{ updatePaymentSettings: { settings: AppSettings } }>(UPDATE, { id: d.session.vkAppId, input: { apiVersion } });
      this.#update(d, r.updatePaymentSettings.settings);
    });
  };

  #rotate = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const key = data.get('secretKey')?.toString() ?? '';
    const hoursText = data.get('overlapHours')?.toString().trim() ?? '';
    const hours = hoursText === '' ? 24 : Number(hoursText);
    const t = pick(strings, this.activeLocale);
    if (key.length < 8 || /\s/.test(key)) return this.#refuse({ secretKey: t.secretShort });
    if (!Number.isInteger(hours) || hours < 0 || hours > 168) return this.#refuse({ overlapHours: t.overlapInvalid });
    const done = await this.#act('secret', 'secret', ['secretKey', 'overlapHours'], 'secretKey', async (d) => {
      const r = await d.session.client.request<{ rotateAppSecret: { settings: AppSettings } }>(ROTATE, { id: d.session.vkAppId, key, hours });
      this.#update(d, r.rotateAppSecret.settings);
    });
    // The key is not kept in the page a moment longer than needed.
    if (done) form.reset();
  };

  #addTester = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const user = parseVkUserId(new FormData(form).get('vkUserId')?.toString() ?? '');
    if (user === null) return this.#refuse({ vkUserId: pick(strings, this.activeLocale).testerIdInvalid });
    const done = await this.#act('tester', 'tester', ['vkUserId'], 'vkUserId', async (d) => {
      const r = await d.session.client.request<{ addPaymentTester: PaymentTester }>(ADD_TESTER, { id: d.session.vkAppId, user });
      // Newest first, as the server lists them; adding one already there changes nothing.
      this.data = { ...d, testers: [r.addPaymentTester, ...d.testers.filter((x) => x.vkUserId !== user)] };
    });
    if (done) form.reset();
  };

  #removeTester = async (user: number): Promise<void> => {
    await this.#act('tester', 'tester', [], 'testers', async (d) => {
      await d.session.client.request<{ removePaymentTester: boolean }>(REMOVE_TESTER, { id: d.session.vkAppId, user });
      this.data = { ...d, testers: d.testers.filter((x) => x.vkUserId !== user) };
    });
  };
}
