/**
 * The totals above the table and one transaction's row: what VK's "Транзакции" shows for a payment
 * (date, user, item, votes, status) plus both order ids, ours and VK's, for matching with the app's
 * own records.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { formatDate, formatDateTime, type CommonStrings, type Locale } from '../../i18n.js';
import type { Summary, Tab, TxRow } from './transactions.query.js';
import type { strings } from './transactions.strings.js';

type Texts = (typeof strings)['ru'];

export function totals(s: Summary, t: Texts, c: CommonStrings): TemplateResult {
  const card = (label: string, votes: string, detail: string, cls: string) => html`<div class="total ${cls}" part="total">
    <dt>${label}</dt>
    <dd>
      <strong>${votes}</strong>
      <span class="muted">${detail}</span>
    </dd>
  </div>`;
  return html`<dl class="totals" part="totals" aria-label=${t.totals}>
    ${card(t.credited, c.votes(s.credits.votes), t.payments(s.credits.count), s.credits.votes ? 'in' : '')}
    ${card(t.refunded, c.votes(s.refunds.votes), t.payments(s.refunds.count), s.refunds.votes ? 'out' : '')}
    ${card(t.net, c.votes(s.net), '', 'net')}
  </dl>`;
}

export interface RowContext {
  t: Texts;
  c: CommonStrings;
  locale: Locale;
  tab: Tab;
}

export function txRow(row: TxRow, { t, c, locale, tab }: RowContext): TemplateResult {
  const refunded = row.status === 'REFUNDED';
  // On the deductions tab the votes go out of the account: shown as a minus, as a bank statement would.
  const votes = tab === 'refunds' ? html`<span class="bad">−${row.price.toLocaleString(locale)}</span>` : row.price.toLocaleString(locale);
  return html`<tr part="row">
    <td class="time">${formatDateTime(row.createdAt, locale)}</td>
    <td class="user" data-label=${c.user}>
      <a href="https://vk.com/id${row.vkUserId}" target="_blank" rel="noopener noreferrer">${row.vkUserId}</a>
    </td>
    <td class="item">${row.title} <span class="muted">${row.itemId}</span></td>
    <td class="num votes">${votes}<span class="unit"> ${t.votesWord(row.price)}</span></td>
    <td class="status">
      ${refunded
        ? html`<span class="state refunded" part="status">${t.refundedState}</span>${row.refundedAt ? html` <span class="muted">${formatDate(row.refundedAt, locale)}</span>` : nothing}`
        : html`<span class="state paid" part="status">${t.paid}</span>`}
      ${row.test ? html`<span class="badge">${c.test}</span>` : nothing}
    </td>
    <td class="num app-order" data-label=${t.appOrder}>${row.appOrderId}</td>
    <td class="num vk-order" data-label=${t.vkOrder}>${row.orderId ?? (row.subscriptionId ? html`${row.subscriptionId} <span class="muted">${t.subscription}</span>` : '—')}</td>
  </tr>`;
}
