/**
 * One delivery's row and its opened attempt log: what a webhook dashboard shows for an event (when,
 * what, for whom, its state, how many tries) and, below it, each attempt with its time, HTTP status,
 * duration, and — for the roles that choose the URL — the start of the answer or why there was none.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { customerLink } from '../../components/open-customer.js';
import { formatDateTime, type CommonStrings, type Locale } from '../../i18n.js';
import { userOf, type Attempt, type DeliveryRow } from './deliveries.query.js';
import type { DeliveriesStrings } from './deliveries.strings.js';

/** An action on a row: running, done, or why it failed (in the reader's words). */
export type Progress = 'busy' | 'done' | { error: string };

export interface RowContext {
  t: DeliveriesStrings;
  c: CommonStrings;
  locale: Locale;
  open: boolean;
  /** The resend of this row: running, done, or why it failed. */
  resend: Progress | undefined;
  toggle: () => void;
  onResend: () => void;
}

const tone = (status: string): string => (status === 'delivered' ? 'ok' : status === 'failed' ? 'bad' : 'warn');

function attempt(a: Attempt, t: DeliveriesStrings, locale: Locale): TemplateResult {
  const ok = a.httpStatus !== null && a.httpStatus >= 200 && a.httpStatus < 300;
  const ms = a.durationMs.toLocaleString(locale, { maximumFractionDigits: a.durationMs < 10 ? 1 : 0 });
  return html`<li part="attempt">
    <span>${formatDateTime(a.attemptedAt, locale)}</span>
    <strong class=${ok ? 'ok' : 'bad'}>${a.httpStatus === null ? t.noAnswer : `${t.http} ${a.httpStatus}`}</strong>
    <span class="muted">${ms} ${t.ms}</span>
    ${a.error ? html`<span class="bad">${a.error}</span>` : nothing}
    ${a.responseBody ? html`<pre part="answer" aria-label=${t.answer}>${a.responseBody}</pre>` : nothing}
  </li>`;
}

export function deliveryRow(row: DeliveryRow, { t, c, locale, open, resend, toggle, onResend }: RowContext): TemplateResult {
  const id = `delivery-${row.id}`;
  const user = userOf(row);
  const test = (row.payload as { data?: { test?: unknown } } | null)?.data?.test === true;
  const shown = row.attemptLog.length;
  return html`<tr class=${open ? 'opened' : ''} part="row">
      <td class="time">
        <button class="expand" aria-expanded=${open} aria-controls=${id} @click=${toggle}>${formatDateTime(row.createdAt, locale)}</button>
      </td>
      <td class="event"><code>${row.eventType}</code>${test ? html`<span class="badge">${c.test}</span>` : nothing}</td>
      <td class="user" data-label=${c.user}>${user === null ? '—' : customerLink(user, t.openCustomer, t.vkProfile)}</td>
      <td class="num" data-label=${t.order}>${row.transactionId ?? '—'}</td>
      <td class="status"><span class="state ${tone(row.status)}" part="status">${t.states[row.status] ?? row.status}</span></td>
      <td class="num" data-label=${t.attempts}>${row.attempts}</td>
      <td class="actions">
        <button class="secondary" part="resend" ?disabled=${resend === 'busy'} @click=${onResend}>${resend === 'busy' ? t.resending : t.resend}</button>
        <span role="status" class=${typeof resend === 'object' ? 'bad' : 'ok'}
          >${resend === 'done' ? `✓ ${t.resent}` : typeof resend === 'object' ? resend.error : ''}</span
        >
      </td>
    </tr>
    ${
      open
        ? html`<tr class="details" id=${id} part="details">
          <td colspan="7">
            <p class="meta muted">
              <code>${row.eventId}</code>
              ${row.deliveredAt ? html` · ${t.deliveredAt} ${formatDateTime(row.deliveredAt, locale)}` : nothing}
              ${row.nextAttemptAt && row.status === 'pending' ? html` · ${t.next} ${formatDateTime(row.nextAttemptAt, locale)}` : nothing}
            </p>
            <h3>${t.attemptLog}</h3>
            ${shown ? html`<ol class="attempts">${row.attemptLog.map((a) => attempt(a, t, locale))}</ol>` : html`<p class="muted">${t.noAttempts}</p>`}
            ${row.attempts > shown && shown ? html`<p class="muted small">${t.earlier(row.attempts)}</p>` : nothing}
          </td>
        </tr>`
        : nothing
    }`;
}
