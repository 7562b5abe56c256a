/**
 * The pieces of the customer page: the totals, and one timeline entry — what happened, when, and the
 * ids to match with VK's panel and the game's records. A delivery carries the Resend button for the
 * roles that may resend.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { formatDateTime, type CommonStrings, type Locale } from '../../i18n.js';
import type { Totals } from './customer.query.js';
import type { strings } from './customer.strings.js';
import type { Entry } from './customer.timeline.js';

type Texts = (typeof strings)['ru'];

export interface EntryContext {
  t: Texts;
  c: CommonStrings;
  locale: Locale;
  /** The Resend button, for a delivery (nothing for roles that may not resend). */
  resend: (deliveryId: string) => unknown;
}

export function totals(x: Totals, t: Texts, c: CommonStrings, locale: Locale): TemplateResult {
  const card = (label: string, value: unknown, detail: unknown = nothing): TemplateResult => html`<div class="total" part="total">
    <dt>${label}</dt>
    <dd><strong>${value}</strong> <span class="muted">${detail}</span></dd>
  </div>`;
  const span = x.firstPaymentAt && x.lastPaymentAt;
  return html`<dl class="totals" part="totals" aria-label=${t.totals}>
      ${card(t.paid, c.votes(x.paidVotes), t.payments(x.payments))} ${card(t.refunded, c.votes(x.refundedVotes), t.payments(x.refunds))}
      ${card(t.net, c.votes(x.netVotes))}
      ${card(
        t.firstLast,
        span
          ? html`<time datetime=${x.firstPaymentAt}>${formatDateTime(x.firstPaymentAt!, locale)}</time> —
              <time datetime=${x.lastPaymentAt}>${formatDateTime(x.lastPaymentAt!, locale)}</time>`
          : t.noPayments,
      )}
    </dl>
    <p class="muted small">${t.testApart}</p>`;
}

const test = (on: boolean, c: CommonStrings) => (on ? html` <span class="badge">${c.test}</span>` : nothing);

function body(e: Entry, { t, c, locale, resend }: EntryContext): [tone: string, what: string, details: unknown] {
  switch (e.kind) {
    case 'order':
    case 'refund': {
      const o = e.order;
      const refund = e.kind === 'refund';
      const votes = c.votes(o.price);
      const ids = o.orderId ? `${t.vkOrder} ${o.orderId} · ${t.ourOrder} ${o.appOrderId}` : `${t.ourOrder} ${o.appOrderId}`;
      return [
        refund ? 'bad' : 'ok',
        refund ? t.refund : o.subscriptionId ? t.charge : t.order,
        html`<span class="strong ${refund ? 'bad' : ''}">${refund ? '−' : ''}${votes}</span> ${o.title}
          <span class="muted">${o.itemId} · ${ids}</span>${test(o.test, c)}`,
      ];
    }
    case 'subscription': {
      const s = e.sub;
      return [
        s.status === 'CANCELLED' ? 'bad' : 'ok',
        t.subscription,
        html`${s.itemId} — ${t.subStatus[s.status] ?? s.status}${s.cancelReason ? ` (${s.cancelReason})` : ''}${s.pendingCancel ? `, ${t.endsAtPeriod}` : ''}
          <span class="muted">${c.votes(s.price)}${s.nextBillTime ? ` · ${t.nextBill} ${formatDateTime(s.nextBillTime, locale)}` : ''} · ${s.subscriptionId}</span>${test(s.test, c)}`,
      ];
    }
    case 'notification': {
      const n = e.note;
      return [
        n.ok ? 'quiet' : 'bad',
        t.notification,
        html`<code>${n.notificationType?.toLowerCase() ?? n.rawType ?? '—'}</code>
          ${n.ok ? html`<span class="ok">${t.ok}</span>` : html`<span class="bad">${t.error} ${n.errorCode ?? ''}</span>`}
          <span class="muted">${n.orderId ?? n.subscriptionId ?? ''}</span>${test(n.test, c)}`,
      ];
    }
    case 'delivery': {
      const d = e.delivery;
      return [
        d.status === 'failed' ? 'bad' : d.status === 'delivered' ? 'ok' : 'warn',
        t.delivery,
        html`<code>${d.eventType}</code> <span class=${d.status === 'failed' ? 'bad' : d.status === 'delivered' ? 'ok' : ''}>${t.deliveryStatus[d.status] ?? d.status}</span>
          <span class="muted">${t.attempts(d.attempts)}${d.transactionId === null ? '' : ` · ${t.ourOrder} ${d.transactionId}`}</span> ${resend(d.id)}`,
      ];
    }
  }
}

export function entry(e: Entry, ctx: EntryContext): TemplateResult {
  const [tone, what, details] = body(e, ctx);
  return html`<li class="entry tone-${tone}" part="entry">
    <time datetime=${e.at} class="muted">${formatDateTime(e.at, ctx.locale)}</time>
    <div><strong>${what}</strong> ${details}</div>
  </li>`;
}
