/**
 * One log row and its opened details: the table row a person scans (time, type, user, order, result,
 * duration) and, below it, what VK sent and what we answered as formatted JSON — VK's panel's "Запрос"
 * and "Ответ" (payments-connection.ru.md, "Логи").
 */
import { html, nothing, type TemplateResult } from 'lit';
import { userLink } from '../../components/user-link.js';
import { formatDateTime, type CommonStrings, type Locale } from '../../i18n.js';
import type { LogRow } from './logs.query.js';
import type { strings } from './logs.strings.js';

export interface RowContext {
  t: (typeof strings)['ru'];
  c: CommonStrings;
  locale: Locale;
  open: boolean;
  fresh: boolean;
  toggle: () => void;
}

export function logRow(row: LogRow, { t, c, locale, open, fresh, toggle }: RowContext): TemplateResult {
  const id = `log-${row.id}`;
  const ms = row.durationMs.toLocaleString(locale, { maximumFractionDigits: row.durationMs < 10 ? 1 : 0 });
  // VK's `error_msg` of an error answer, for the code's tooltip and the details.
  const message = (row.response as { error?: { error_msg?: string } } | null)?.error?.error_msg;
  const sig = row.signatureValid;
  return html`<tr class="entry ${fresh ? 'fresh' : ''} ${open ? 'opened' : ''}" part="row">
      <td class="time">
        <button class="expand" aria-expanded=${open} aria-controls=${id} @click=${toggle}>${formatDateTime(row.receivedAt, locale)}</button>
      </td>
      <td class="type">
        <code>${row.notificationType?.toLowerCase() ?? row.rawType ?? '—'}</code>${row.test ? html`<span class="badge">${c.test}</span>` : nothing}
      </td>
      <td class="user" data-label=${c.user}>
        ${userLink(row.vkUserId, locale)}
      </td>
      <td class="order" data-label=${t.order}>${row.orderId ?? row.subscriptionId ?? '—'}</td>
      <td class="result">
        ${row.ok ? html`<span class="ok">OK</span>` : html`<span class="bad" title=${message ?? nothing}>${row.errorCode ?? '—'}</span>`}
        ${row.warning ? html`<span class="warn" role="img" title=${row.warning} aria-label="${t.warning}: ${row.warning}">⚠</span>` : nothing}
      </td>
      <td class="num ms" data-unit=${t.ms}>${ms}</td>
    </tr>
    ${
      open
        ? html`<tr class="details" id=${id} part="details">
          <td colspan="6">
            <p class="meta muted">
              ${t.signature}: <span class=${sig === false ? 'bad' : ''}>${sig ? `${t.sigValid}${row.signedWith ? ` (${t[row.signedWith]})` : ''}` : sig === null ? t.sigUnchecked : t.sigInvalid}</span>
              · ${t.answeredIn} ${ms} ${t.ms}
              ${row.errorCode === null ? nothing : html` · <span class="bad">${t.error} ${row.errorCode}${message ? `: ${message}` : ''}</span>`}
            </p>
            ${row.warning ? html`<p class="notice warning" part="warning"><strong>${t.warning}:</strong> ${row.warning}</p>` : nothing}
            <div class="payloads">
              ${[
                [t.request, row.request],
                [t.response, row.response],
              ].map(
                ([label, value]) => html`<section aria-label=${label}>
                  <h3>${label}</h3>
                  <pre part="json">${JSON.stringify(value, null, 2)}</pre>
                </section>`,
              )}
            </div>
          </td>
        </tr>`
        : nothing
    }`;
}
