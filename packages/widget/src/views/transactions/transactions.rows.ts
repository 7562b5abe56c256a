/**
 * The totals above the table and one transaction's row: what VK's "Транзакции" shows for a payment
 * (date, user, item, votes, status) plus both order ids, ours and VK's, for matching with the app's
 * own records.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { userLink } from '../../components/user-link.js';
import { formatDate, formatDateTime, type CommonStrings, type Locale } from '../../i18n.js';
import type { Summary, TxRow } from './transactions.query.js';
import type { strings } from './transactions.strings.js';

type Texts = (typeof strings)['ru'];

export function totals({ credits, refunds, net }: Summary, t: Texts, c: CommonStrings): TemplateResult {
  const card = (label: string, votes: number, cls: string, detail = ''): TemplateResult => html`<div class="total" part="total">
    <dt>${label}</dt>
    <dd>
      <strong class=${votes ? cls : ''}>${c.votes(votes)}</strong>
      <span class="muted">${detail}</span>
    </dd>
  </div>`;
  return html`<dl class="totals" part="totals" aria-label=${t.totals}>
    ${card(t.credited, credits.votes, 'ok', t.payments(credits.count))} ${card(t.refunded, refunds.votes, 'bad', t.payments(refunds.count))}
    ${card(t.net, net, '')}
  </dl>`;
}

export function txRow(row: TxRow, t: Texts, c: CommonStrings, locale: Locale, refundsTab: boolean): TemplateResult {
  const refunded = row.status === 'REFUNDED';
  const price = row.price.toLocaleString(locale);
  // On the deductions tab the votes go out of the account: a minus, as a bank statement shows them.
  // The unit (what `votes()` says after the number) shows only where the column heading is hidden.
  return html`<tr part="row">
    <td class="time">${formatDateTime(row.createdAt, locale)}</td>
    <td class="user" data-label=${c.user}>
      ${userLink(row.vkUserId, locale)}
    </td>
    <td class="item">${row.title} <span class="muted">${row.itemId}</span></td>
    <td class="num votes">
      ${refundsTab ? html`<span class="bad">−${price}</span>` : price}<span class="unit">${c.votes(row.price).slice(price.length)}</span>
    </td>
    <td class="status">
      <span class="state ${refunded ? 'bad' : 'ok'}" part="status">${refunded ? t.refundedState : t.paid}</span>
      ${row.refundedAt ? html` <span class="muted">${formatDate(row.refundedAt, locale)}</span>` : nothing}
      ${row.test ? html`<span class="badge">${c.test}</span>` : nothing}
    </td>
    <td class="num" data-label=${t.appOrder}>${row.appOrderId}</td>
    <td class="num" data-label=${t.vkOrder}>${row.orderId ?? (row.subscriptionId ? html`${row.subscriptionId} <span class="muted">${t.subscription}</span>` : '—')}</td>
  </tr>`;
}
