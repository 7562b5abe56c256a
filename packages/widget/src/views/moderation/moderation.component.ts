import { Task } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { VkpElement } from '../../base/vkp-element.js';
import type { Session } from '../../client/session.js';
import { errorFor, fieldError, type FieldErrors } from '../../components/form-errors.js';
import { viewStyles } from '../../components/view-styles.js';
import { pick } from '../../i18n.js';
import { checkLabel, renderChecks, renderRequest } from './moderation.parts.js';
import { strings, type ModerationStrings } from './moderation.strings.js';
import { moderationStyles } from './moderation.styles.js';
import { DECIDE, LIMITS, LOAD, PLATFORMS, SUBMIT, WITHDRAW, type Loaded, type ModerationRequest, type PreflightCheck, type TextField } from './moderation.types.js';

const FORM_FIELDS = ['platforms', 'appDescription', 'paidFeatures'] as const;

/**
 * `<vk-payments-moderation>`: the "Payments → Connection → Оплата голосами" tab of VK's panel — what
 * to have in place, the application (platforms, the app, its paid features), its result on the same
 * tab, and, for platform moderators, approving or rejecting it.
 *
 * @fires vkp-saved - An application was sent, withdrawn or decided. `detail: { what: 'moderation' }`.
 * @fires vkp-error - A request failed. `detail: { code, message }`.
 *
 * @csspart section - One block (also `request`, `requirements`, `apply`, `history`).
 * @csspart enabled - The note that votes payments are on.
 * @csspart request - One application.
 * @csspart status - An application's status badge.
 * @csspart checks - The list of requirements.
 * @csspart field-error - The message under an input the server or the form refused.
 * @csspart message - A quiet line (loading, not configured).
 * @csspart error - Why nothing could be shown.
 */
export class VkPaymentsModeration extends VkpElement {
  static override styles = [...VkpElement.styles, viewStyles, moderationStyles];

  @state() private data: Loaded | undefined;
  @state() private errors: FieldErrors = {};
  @state() private busy = '';
  /** Characters typed so far, for the length hints. */
  @state() private typed: Partial<Record<TextField, number>> = {};

  readonly #load = new Task(this, {
    args: () => [this.session] as const,
    task: async ([session], { signal }) => {
      if (!session) return;
      try {
        this.data = await this.#fetch(session, signal);
      } catch (err) {
        throw this.report(err);
      }
    },
  });

  async #fetch(session: Session, signal?: AbortSignal): Promise<Loaded> {
    type Answer = { app: { votesPaymentsEnabled: boolean }; votesPaymentsPreflight: { ready: boolean; checks: PreflightCheck[] }; moderationRequests: ModerationRequest[] };
    const [d, me] = await Promise.all([session.client.request<Answer>(LOAD, { id: session.vkAppId }, signal), session.client.me()]);
    const root = me.kind === 'root';
    return {
      session,
      enabled: d.app.votesPaymentsEnabled,
      ready: d.votesPaymentsPreflight.ready,
      checks: d.votesPaymentsPreflight.checks,
      requests: d.moderationRequests,
      canApply: root || me.role === 'CREATOR' || me.role === 'ADMIN' || me.role === 'PAYMENTS_ADMIN',
      canDecide: root || me.role === 'MODERATOR',
    };
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

  #renderLoaded(d: Loaded, t: ModerationStrings): TemplateResult {
    const [current, ...earlier] = d.requests;
    const pending = current?.status === 'PENDING' ? current : undefined;
    return html`<h2 class="visually-hidden">${t.title}</h2>
      ${d.enabled
        ? html`<div class="notice enabled" part="enabled">
            <strong class="ok">✓ ${t.enabled}</strong>
          </div>`
        : nothing}
      ${current
        ? html`<section class="section" part="section request" aria-labelledby="request-title">
            <h3 id="request-title">${t.request}</h3>
            ${renderRequest(current, t, this.activeLocale)}
            ${pending && d.canApply
              ? html`<button class="secondary" ?disabled=${this.busy !== ''} @click=${() => void this.#withdraw(pending)}>${t.withdraw}</button>`
              : nothing}
            ${pending && d.canDecide ? this.#renderDecide(pending, t) : nothing} ${fieldError('request', this.errors.request)}
          </section>`
        : nothing}
      <section class="section" part="section requirements" aria-labelledby="requirements-title">
        <h3 id="requirements-title">${t.requirements}</h3>
        ${renderChecks(d.checks, t)}
      </section>
      ${d.canApply
        ? html`<section class="section" part="section apply" aria-labelledby="apply-title">
            <h3 id="apply-title">${t.formTitle}</h3>
            ${pending ? html`<p class="muted">${t.pendingNote}</p>` : this.#renderForm(d, current, t)}
            ${fieldError('form', this.errors.form)}
          </section>`
        : nothing}
      ${earlier.length
        ? html`<section class="section" part="section history">
            <details>
              <summary>${t.history(earlier.length)}</summary>
              ${earlier.map((r) => renderRequest(r, t, this.activeLocale))}
            </details>
          </section>`
        : nothing}`;
  }

  /** The form, filled with the last application's answers: after a rejection one fixes them and sends again. */
  #renderForm(d: Loaded, last: ModerationRequest | undefined, t: ModerationStrings): TemplateResult {
    const missing = d.checks.filter((c) => c.required && !c.ok);
    const busy = this.busy !== '';
    const text = (field: TextField, label: string): TemplateResult => {
      const [min, max] = LIMITS[field];
      const value = last?.[field] ?? '';
      return html`<label
          >${label}
          <textarea
            name=${field}
            rows="4"
            maxlength=${max}
            .value=${value}
            aria-invalid=${this.errors[field] ? 'true' : 'false'}
            aria-describedby="${field}-hint ${field}-error"
            @input=${(e: InputEvent) => (this.typed = { ...this.typed, [field]: (e.target as HTMLTextAreaElement).value.trim().length })}
          ></textarea>
        </label>
        <p class="hint muted" id="${field}-hint">${t.length(min, max, this.typed[field] ?? value.length)}</p>
        ${fieldError(field, this.errors[field])}`;
    };
    return html`<form novalidate @submit=${this.#submit}>
        <fieldset aria-describedby="platforms-error" aria-invalid=${this.errors.platforms ? 'true' : 'false'}>
          <legend>${t.platforms}</legend>
          ${PLATFORMS.map(
            (p) => html`<label class="choice">
              <input type="checkbox" name="platforms" value=${p} ?checked=${last?.platforms.includes(p) ?? false} />
              <span>${t.platformNames[p]}${p === 'IOS' ? html` <span class="muted small">— ${t.iosHint}</span>` : nothing}</span>
            </label>`,
          )}
        </fieldset>
        ${fieldError('platforms', this.errors.platforms)} ${text('appDescription', t.description)} ${text('paidFeatures', t.features)}
        <button type="submit" ?disabled=${!d.ready || busy} aria-describedby="not-ready form-error">${t.submit}</button>
        ${d.ready
          ? nothing
          : html`<div id="not-ready" class="notice error small">
              ${t.notReady}
              <ul>
                ${missing.map((c) => html`<li>${checkLabel(c, t)}</li>`)}
              </ul>
            </div>`}
      </form>`;
  }

  #renderDecide(r: ModerationRequest, t: ModerationStrings): TemplateResult {
    const busy = this.busy !== '';
    return html`<div class="decide" part="decide">
      <h4>${t.decideTitle}</h4>
      <label
        >${t.comment}
        <textarea id="comment" rows="3" maxlength="2000" aria-invalid=${this.errors.comment ? 'true' : 'false'} aria-describedby="comment-hint comment-error"></textarea>
      </label>
      <p class="hint muted" id="comment-hint">${t.commentHint}</p>
      ${fieldError('comment', this.errors.comment)}
      <div class="row">
        <button ?disabled=${busy} @click=${() => void this.#decide(r, 'APPROVE')}>${t.approve}</button>
        <button class="danger" ?disabled=${busy} @click=${() => void this.#decide(r, 'REJECT')}>${t.reject}</button>
      </div>
    </div>`;
  }

  /** Shows the errors and moves focus to the first input concerned, so a keyboard user lands on it. */
  async #refuse(errors: FieldErrors): Promise<void> {
    this.errors = errors;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]:is(input, textarea), [aria-invalid="true"] input')?.focus();
  }

  /**
   * Runs one change, then loads the tab again: status, requirements and history move together, and after
   * a CONFLICT (already pending, no longer pending, no URL) the server's message is shown over fresh data.
   */
  async #act(key: string, fields: readonly string[], fallback: string, change: (s: Session) => Promise<unknown>): Promise<boolean> {
    const d = this.data;
    if (!d || this.busy) return false;
    this.busy = key;
    this.errors = {};
    let errors: FieldErrors | undefined;
    try {
      await change(d.session);
      this.typed = {};
      this.emit('vkp-saved', { what: 'moderation' });
    } catch (err) {
      this.report(err);
      errors = errorFor(err, fields, fallback, this.common.forbiddenHint);
    }
    await this.#reload(d.session);
    this.busy = '';
    if (errors) await this.#refuse(errors);
    return !errors;
  }

  async #reload(session: Session): Promise<void> {
    try {
      if (this.data?.session === session) this.data = await this.#fetch(session);
    } catch (err) {
      this.report(err); // the data shown stays; the next action or a reload tries again
    }
  }

  #submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const t = pick(strings, this.activeLocale);
    const form = new FormData(e.target as HTMLFormElement);
    const input = {
      platforms: form.getAll('platforms').map(String),
      appDescription: form.get('appDescription')?.toString().trim() ?? '',
      paidFeatures: form.get('paidFeatures')?.toString().trim() ?? '',
    };
    const errors: FieldErrors = {};
    if (!input.platforms.length) errors.platforms = t.noPlatform;
    for (const field of ['appDescription', 'paidFeatures'] as const) {
      if (input[field].length < LIMITS[field][0]) errors[field] = t.tooShort(LIMITS[field][0]);
    }
    if (Object.keys(errors).length) return this.#refuse(errors);
    await this.#act('submit', FORM_FIELDS, 'form', (s) => s.client.request(SUBMIT, { id: s.vkAppId, input }));
  };

  #withdraw = (r: ModerationRequest): Promise<boolean> => this.#act('withdraw', [], 'request', (s) => s.client.request(WITHDRAW, { rid: r.id }));

  #decide = async (r: ModerationRequest, decision: 'APPROVE' | 'REJECT'): Promise<void> => {
    const comment = this.renderRoot.querySelector<HTMLTextAreaElement>('#comment')?.value.trim() ?? '';
    // The server refuses it too; saying so here spares a round trip and names the field.
    if (decision === 'REJECT' && !comment) return this.#refuse({ comment: pick(strings, this.activeLocale).commentRequired });
    await this.#act('decide', ['comment'], 'request', (s) => s.client.request(DECIDE, { rid: r.id, decision, comment: comment || null }));
  };
}
