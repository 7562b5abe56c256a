/**
 * One log row and its opened details: the table row a person scans (time, type, user, order, result,
 * duration) and, below it, what VK sent and what we answered as formatted JSON — the seed's "Запрос"
 * and "Ответ" (payments-connection.ru.md, "Логи").
 */
import { html, nothing, type TemplateResult } from 'lit';
import { formatDateTime, type Locale } from '../../i18n.js';
import { errorMessage, typeName, type LogRow } from './logs.query.js';
import type { strings } from './logs.strings.js';

type Texts = (typeof strings)['ru'];

export interface RowContext {
  t: Texts;
  test: string;
  user: string;
  locale: Locale;
  open: boolean;
  fresh: boolean;
  toggle: () => void;
}

const ms = (n: number, locale: Locale): string => n.toLocaleString(locale, { maximumFractionDigits: n < 10 ? 1 : 0 });

const json = (value: unknown): string => JSON.stringify(value, null, 2);

function result(row: LogRow, t: Texts): TemplateResult {
  const mark = row.warning
    ? html` <span class="warn mark" role="img" title=${row.warning} aria-label="${t.warning}: ${row.warning}">⚠</span>`
    : nothing;
  if (row.ok) return html`<span class="ok">${t.ok}</span>${mark}`;
  const message = errorMessage(row.response);
  return html`<span class="bad" title=${message ?? nothing}>${row.errorCode ?? '—'}</span>${mark}`;
}

export function logRow(row: LogRow, c: RowContext): TemplateResult {
  const { t } = c;
  const details = `log-${row.id}`;
  return html`<tr class="entry ${c.fresh ? 'fresh' : ''} ${c.open ? 'opened' : ''}" part="row">
      <td class="time">
        <button class="expand" aria-expanded=${c.open} aria-controls=${details} @click=${c.toggle}>
          <span class="caret" aria-hidden="true"></span>${formatDateTime(row.receivedAt, c.locale)}
        </button>
      </td>
      <td class="type"><code>${typeName(row)}</code>${row.test ? html`<span class="badge">${c.test}</span>` : nothing}</td>
      <td class="user" data-label=${c.user}>
        ${row.vkUserId === null ? '—' : html`<a href="https://vk.com/id${row.vkUserId}" target="_blank" rel="noopener noreferrer">${row.vkUserId}</a>`}
      </td>
      <td class="order" data-label=${t.order}>${row.orderId ?? row.subscriptionId ?? '—'}</td>
      <td class="result">${result(row, t)}</td>
      <td class="num ms" data-unit=${t.duration}>${ms(row.durationMs, c.locale)}</td>
    </tr>
    ${c.open ? renderDetails(row, c, details) : nothing}`;
}

function renderDetails(row: LogRow, c: RowContext, id: string): TemplateResult {
  const { t } = c;
  const signature =
    row.signatureValid === null
      ? t.sigUnchecked
      : row.signatureValid
        ? `${t.sigValid}${row.signedWith ? ` (${t.signedWith(row.signedWith)})` : ''}`
        : t.sigInvalid;
  const message = errorMessage(row.response);
  return html`<tr class="details" id=${id} part="details">
    <td colspan="6">
      <p class="meta muted">
        ${t.signature}: <span class=${row.signatureValid === false ? 'bad' : ''}>${signature}</span> · ${t.answeredIn(ms(row.durationMs, c.locale))}
        ${row.errorCode !== null ? html` · <span class="bad">${t.errorCode(row.errorCode)}${message ? `: ${message}` : ''}</span>` : nothing}
      </p>
      ${row.warning ? html`<p class="notice warning" part="warning"><strong>${t.warning}:</strong> ${row.warning}</p>` : nothing}
      <div class="payloads">
        <section aria-label=${t.request}>
          <h3>${t.request}</h3>
          <pre part="json">${json(row.request)}</pre>
        </section>
        <section aria-label=${t.response}>
          <h3>${t.response}</h3>
          <pre part="json">${json(row.response)}</pre>
        </section>
      </div>
    </td>
  </tr>`;
}
