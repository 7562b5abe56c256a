/**
 * The chart's figures as a table: what screen readers and people who would rather read get, one row
 * per period and the totals at the foot. ARPPU is a voted amount; the rest are plain counts.
 */
import { html, type TemplateResult } from 'lit';
import type { Point } from './stats.chart.js';
import type { StatsStrings } from './stats.strings.js';

export function renderTable(
  t: StatsStrings,
  { totals, points }: { totals: Point; points: readonly Point[] },
  names: readonly string[],
  num: (n: number) => string,
  arppu: (v: number | null) => string,
): TemplateResult {
  const cells = (p: Point) =>
    html`${[p.revenue, p.itemsRevenue, p.subscriptionsRevenue, p.orders, p.refunds, p.payingUsers].map((v) => html`<td class="num">${num(v)}</td>`)}<td class="num">${arppu(p.arppu)}</td>`;
  return html`<div class="table-wrap" part="table">
    <table>
      <thead>
        <tr>${[t.period, t.revenue, t.items, t.subscriptions, t.orders, t.refunds, t.payingShort, t.arppu].map((h, i) => html`<th class=${i ? 'num' : ''} scope="col">${h}</th>`)}</tr>
      </thead>
      <tbody>${points.map((p, i) => html`<tr><th scope="row">${names[i]}</th>${cells(p)}</tr>`)}</tbody>
      <tfoot><tr><th scope="row">${t.total}</th>${cells(totals)}</tr></tfoot>
    </table>
  </div>`;
}
