import { TEXT_LIMITS } from '@vk-payments/shared';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { FieldErrors } from '../../components/form-errors.js';
import { FormView, section, type Can, type Loaded } from '../../components/form-view.js';
import { checkLabel, renderChecks, renderRequest } from './moderation.parts.js';
import { strings, type ModerationStrings } from './moderation.strings.js';
import { moderationStyles } from './moderation.styles.js';
import {
  DECIDE,
  LOAD,
  SUBMIT,
  TEXT_FIELDS,
  WITHDRAW,
  type Answer,
  type ModerationRequest,
  type Platform,
  type Rights,
} from './moderation.types.js';

type Data = Loaded<Answer, Rights>;

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
 * @csspart decide - A moderator's approval or rejection.
 * @csspart field-error - The message under an input the server or the form refused.
 * @csspart message - A quiet line (loading, not configured).
 * @csspart error - Why nothing could be shown.
 */
export class VkPaymentsModeration extends FormView<Answer, Rights> {
  static override styles = [...FormView.styles, moderationStyles];
  static override properties: PropertyDeclarations = {
    typed: { state: true },
  };

  protected readonly query = LOAD;
  /** Characters typed so far, for the length hints. */
  private typed: Record<string, number> = {};

  protected rights(can: Can): Rights {
    return { canApply: can('CREATOR', 'ADMIN', 'PAYMENTS_ADMIN'), canDecide: can('MODERATOR') };
  }

  protected renderLoaded(d: Data): TemplateResult {
    const t = strings[this.activeLocale];
    const [current, ...earlier] = d.requests;
    const pending = current?.status === 'PENDING' ? current : undefined;
    return html`<h2 class="visually-hidden">${t.title}</h2>
      ${
        d.app.votesPaymentsEnabled
          ? html`<div class="notice enabled" part="enabled">
            <strong class="ok">✓ ${t.enabled}</strong>
          </div>`
          : nothing
      }
      ${
        current
          ? section(
              'request',
              t.request,
              html`${renderRequest(current, t, this.activeLocale)}
            ${pending && d.canApply ? html`<button class="secondary" ?disabled=${this.busy !== ''} @click=${() => this.#withdraw(pending)}>${t.withdraw}</button>` : nothing}
            ${pending && d.canDecide ? this.#renderDecide(pending, t) : nothing} ${this.problem('request')}`,
            )
          : nothing
      }
      ${section('requirements', t.requirements, renderChecks(d.preflight.checks, t))}
      ${d.canApply ? section('apply', t.formTitle, html`${pending ? html`<p class="muted">${t.pendingNote}</p>` : this.#renderForm(d, current, t)} ${this.problem('form')}`) : nothing}
      ${
        earlier.length
          ? html`<section class="section" part="section history">
            <details>
              <summary>${t.history(earlier.length)}</summary>
              ${earlier.map((r) => renderRequest(r, t, this.activeLocale))}
            </details>
          </section>`
          : nothing
      }`;
  }

  /** A text box with a hint under it (`<name>-hint`), and its error. */
  #text(name: string, label: string, max: number, hint: string, value = ''): TemplateResult {
    return html`<label
        >${label}
        <textarea
          name=${name}
          rows="4"
          maxlength=${max}
          .value=${value}
          aria-invalid=${this.bad(name)}
          aria-describedby="${name}-hint ${name}-error"
          @input=${(e: InputEvent) => (this.typed = { ...this.typed, [name]: (e.target as HTMLTextAreaElement).value.trim().length })}
        ></textarea>
      </label>
      <p class="hint muted" id="${name}-hint">${hint}</p>
      ${this.problem(name)}`;
  }

  /** The form, filled with the last application's answers: after a rejection one fixes them and sends again. */
  #renderForm(d: Data, last: ModerationRequest | undefined, t: ModerationStrings): TemplateResult {
    const { ready, checks } = d.preflight;
    return html`<form novalidate @submit=${this.#submit}>
        <fieldset aria-describedby="platforms-error" aria-invalid=${this.bad('platforms')}>
          <legend>${t.platforms}</legend>
          ${Object.entries(t.platformNames).map(
            ([p, name]) => html`<label class="choice">
              <input type="checkbox" name="platforms" value=${p} ?checked=${last?.platforms.includes(p as Platform) ?? false} />
              <span>${name}${p === 'IOS' ? html` <span class="muted small">— ${t.iosHint}</span>` : nothing}</span>
            </label>`,
          )}
        </fieldset>
        ${this.problem('platforms')}
        ${TEXT_FIELDS.map((field) => {
          const { min, max } = TEXT_LIMITS[field];
          const value = last?.[field] ?? '';
          return this.#text(
            field,
            field === 'appDescription' ? t.description : t.features,
            max,
            t.length(min, max, this.typed[field] ?? value.length),
            value,
          );
        })}
        <button ?disabled=${!ready || this.busy !== ''} aria-describedby="not-ready form-error">${t.submit}</button>
        ${
          ready
            ? nothing
            : html`<div id="not-ready" class="notice error small">
              ${t.notReady}
              <ul>
                ${checks.filter((c) => c.required && !c.ok).map((c) => html`<li>${checkLabel(c, t)}</li>`)}
              </ul>
            </div>`
        }
      </form>`;
  }

  #renderDecide(r: ModerationRequest, t: ModerationStrings): TemplateResult {
    const busy = this.busy !== '';
    return html`<div class="decide" part="decide">
      <h4>${t.decideTitle}</h4>
      ${this.#text('comment', t.comment, TEXT_LIMITS.comment.max, t.commentHint)}
      <div class="row">
        <button ?disabled=${busy} @click=${() => this.#decide(r, 'APPROVE')}>${t.approve}</button>
        <button class="danger" ?disabled=${busy} @click=${() => this.#decide(r, 'REJECT')}>${t.reject}</button>
      </div>
    </div>`;
  }

  /**
   * After a change the tab loads again: status, requirements and history move together, and after a
   * CONFLICT (already pending, no longer pending, no URL) the server's message is shown over fresh data.
   */
  protected override async settle(d: Data, ok: boolean): Promise<void> {
    if (ok) this.typed = {};
    try {
      if (this.data?.session === d.session) this.data = await this.fetch(d.session);
    } catch (err) {
      this.report(err); // the data shown stays; the next action or a reload tries again
    }
  }

  #submit = (e: SubmitEvent): void => {
    e.preventDefault();
    const t = strings[this.activeLocale];
    const form = new FormData(e.target as HTMLFormElement);
    const input: Record<string, unknown> = { platforms: form.getAll('platforms') };
    const errors: FieldErrors = {};
    if (!form.has('platforms')) errors.platforms = t.noPlatform;
    for (const field of TEXT_FIELDS) {
      const { min } = TEXT_LIMITS[field];
      const given = form.get(field);
      const value = (input[field] = (typeof given === 'string' ? given : '').trim());
      if (value.length < min) errors[field] = t.tooShort(min);
    }
    if (Object.keys(errors).length) void this.refuse(errors);
    else
      void this.act('submit', 'moderation', ['platforms', ...TEXT_FIELDS], 'form', (d) =>
        d.session.client.request(SUBMIT, { id: d.session.vkAppId, input }),
      );
  };

  #withdraw(r: ModerationRequest): void {
    void this.act('withdraw', 'moderation', [], 'request', (d) => d.session.client.request(WITHDRAW, { rid: r.id }));
  }

  #decide(r: ModerationRequest, decision: 'APPROVE' | 'REJECT'): void {
    const comment = this.renderRoot.querySelector<HTMLTextAreaElement>('[name=comment]')!.value.trim();
    // The server refuses it too; saying so here spares a round trip and names the field.
    if (decision === 'REJECT' && !comment) void this.refuse({ comment: strings[this.activeLocale].commentRequired });
    else
      void this.act('decide', 'moderation', ['comment'], 'request', (d) =>
        d.session.client.request(DECIDE, { rid: r.id, decision, comment: comment || null }),
      );
  }
}
