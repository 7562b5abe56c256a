/** Pieces of <vk-payments-moderation> without state of their own: the requirements and one application. */
import { html, nothing, type TemplateResult } from 'lit';
import { formatDateTime, type Locale } from '../../i18n.js';
import type { ModerationStrings } from './moderation.strings.js';
import type { ModerationRequest, PreflightCheck } from './moderation.types.js';

/** A check in the reader's language; a key this version does not know keeps the server's words. */
export function checkLabel(c: PreflightCheck, t: ModerationStrings): string {
  return t.checks[c.key]?.[c.ok ? 0 : 1] ?? c.message;
}

export function renderChecks(checks: readonly PreflightCheck[], t: ModerationStrings): TemplateResult {
  return html`<ul class="checks" part="checks">
    ${checks.map(
      (c) => html`<li>
        <span class="mark ${c.ok ? 'ok' : c.required ? 'bad' : 'warn'}" aria-hidden="true">${c.ok ? '✓' : '✗'}</span>
        <span>${checkLabel(c, t)}${c.required ? html` <span class="required">${t.required}</span>` : nothing}</span>
      </li>`,
    )}
  </ul>`;
}

/** One application: status, where, when and by whom, the moderator's word, and what was sent. */
export function renderRequest(r: ModerationRequest, t: ModerationStrings, locale: Locale): TemplateResult {
  return html`<article class="request" part="request" aria-label="${t.request} #${r.id}">
    <p class="request-head">
      <span class="status status-${r.status.toLowerCase()}" part="status">${t.statuses[r.status]}</span> <span class="muted">#${r.id}</span>
    </p>
    <dl>
      <dt>${t.platforms}</dt>
      <dd>${r.platforms.map((p) => t.platformNames[p] ?? p).join(', ')}</dd>
      <dt>${t.submitted}</dt>
      <dd>${formatDateTime(r.submittedAt, locale)} · <span class="muted">${r.submittedBy}</span></dd>
      ${
        r.decidedAt
          ? html`<dt>${t.decided}</dt>
            <dd>${formatDateTime(r.decidedAt, locale)}${r.decidedBy ? html` · <span class="muted">${r.decidedBy}</span>` : nothing}</dd>`
          : nothing
      }
      ${
        r.moderatorComment
          ? html`<dt>${t.comment}</dt>
            <dd class="comment">${r.moderatorComment}</dd>`
          : nothing
      }
    </dl>
    <details>
      <summary>${t.details}</summary>
      <h4>${t.description}</h4>
      <p class="text">${r.appDescription}</p>
      <h4>${t.features}</h4>
      <p class="text">${r.paidFeatures}</p>
    </details>
  </article>`;
}
