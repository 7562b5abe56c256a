/**
 * The subscriptions part of <vk-payments-stats>: the range's figures as cards, then, as the plot's
 * chart/table switch says, a chart (new and resumed subscriptions above zero, cancellations below;
 * active subscriptions at each period's end as a line under it, the layout of stats.chart.ts) or a table
 * of every period with cancellations by reason. Stateless: the element hands it the figures, the width
 * the plot measured, the switch's state and the CSV button.
 */
import { html, nothing, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import type { StatsQuery } from '../../generated/operations.js';
import type { CommonStrings, Locale } from '../../i18n.js';
import { bar, niceTicks } from './stats.chart.js';
import type { StatsStrings } from './stats.strings.js';

export type SubsStats = StatsQuery['subscriptionStats'];
/** A period's figures, or the range's (totals carry no period bounds). */
export type SubsPoint = Omit<SubsStats['points'][number], 'periodStart' | 'periodEnd'>;

export interface SubsInput {
  t: StatsStrings;
  c: CommonStrings;
  locale: Locale;
  data: SubsStats;
  /** Each period's full name and two-line axis label (stats.dates.ts periodTexts). */
  names: readonly string[];
  labels: ReadonlyArray<[string, string]>;
  width: number;
  /** The table instead of the chart. */
  table: boolean;
  csv: TemplateResult;
}

/** Average glyph width of the 11px axis text (as stats.chart.ts). */
const CHAR = 6.4;

/** Each period is an image named by its figures (as the payments chart's), for screen readers. */
function chart({ t, data: { points }, labels, names, width }: SubsInput, rows: (p: SubsPoint) => string[][]): SVGTemplateResult {
  const narrow = width < 560;
  const ticks = niceTicks(-Math.max(0, ...points.map((p) => p.cancelled)), Math.max(0, ...points.map((p) => p.new + p.resumed)), 3);
  const activeTicks = niceTicks(0, Math.max(...points.map((p) => p.active)), 1);
  const axis = (v: number): string => String(v);
  const left = Math.max(24, Math.ceil(Math.max(...[...ticks, ...activeTicks].map((v) => axis(v).length)) * CHAR) + 10);
  const [top, barsBottom] = [10, narrow ? 140 : 180];
  const activeTop = barsBottom + 40;
  const activeBottom = activeTop + 52;
  const band = (width - left - 10) / Math.max(points.length, 1);
  const cx = (i: number): number => left + band * (i + 0.5);
  const w = Math.min(Math.max(band * 0.7, 1), 48);
  const scale = (tk: number[], from: number, to: number) => (v: number) => to - ((v - tk[0]!) / (tk.at(-1)! - tk[0]!)) * (to - from);
  const y = scale(ticks, top, barsBottom);
  const ay = scale(activeTicks, activeTop, activeBottom);
  // Cancellations go down from zero, but they are counts: the axis says 2, not -2.
  const grid = (tk: number[], at: (v: number) => number): SVGTemplateResult[] =>
    tk.map(
      (v) =>
        svg`<line class=${v ? 'grid' : 'zero'} x1=${left} x2=${width - 10} y1=${at(v)} y2=${at(v)} /><text class="y" x=${left - 8} y=${at(v) + 4}>${axis(Math.abs(v))}</text>`,
    );
  const seg = (i: number, from: number, to: number, cls: string): SVGTemplateResult | typeof nothing =>
    from === to ? nothing : svg`<path class=${cls} d=${bar(cx(i) - w / 2, w, y(from), y(to), 3)} />`;
  const every = Math.max(1, Math.ceil((Math.max(...labels.map(([a]) => a.length)) * CHAR + 12) / band));
  return svg`<svg class="chart" viewBox="0 0 ${width} ${activeBottom + 36}" height=${activeBottom + 36} role="group" aria-label=${t.subsChartLabel}>
    ${grid(ticks, y)}
    <text class="title" x=${left} y=${activeTop - 12}>${t.subsActive}</text>
    ${grid(activeTicks, ay)}
    ${points.map(
      (p, i) => svg`<g class="subs-period" role="img" aria-label=${`${names[i]}. ${rows(p)
        .map(([l, v]) => `${l}: ${v}`)
        .join('; ')}`}>
        ${seg(i, 0, p.new, 'items')} ${seg(i, p.new, p.new + p.resumed, 'subs')} ${seg(i, 0, -p.cancelled, 'cancel')}
      </g>`,
    )}
    <path class="users" d=${points.map((p, i) => `${i ? 'L' : 'M'}${cx(i)} ${ay(p.active)}`).join('')} />
    <g class="x">${labels.map(([main, sub], i) =>
      (points.length - 1 - i) % every
        ? nothing
        : svg`<text x=${cx(i)} y=${activeBottom + 16}>${main}</text>${i < every ? svg`<text class="sub" x=${cx(i)} y=${activeBottom + 30}>${sub}</text>` : nothing}`,
    )}</g>
  </svg>`;
}

export function renderSubscriptions(input: SubsInput): TemplateResult {
  const { t, c, locale, data, names, csv } = input;
  const num = (n: number): string => new Intl.NumberFormat(locale).format(n);
  const r = t.reasons;
  /** A period's figures, as the table's columns and the chart's labels list them. */
  const rows = (p: SubsPoint): string[][] => [
    [t.subsActive, num(p.active)],
    [t.subscribers, num(p.activeSubscribers)],
    [t.mrr, num(p.monthlyRecurringVotes)],
    [t.subsNew, num(p.new)],
    [t.renewed, num(p.renewed)],
    [t.resumed, num(p.resumed)],
    [t.cancelled, num(p.cancelled)],
    [r.userDecision, num(p.cancelReasons.userDecision)],
    [r.appDecision, num(p.cancelReasons.appDecision)],
    [r.paymentFail, num(p.cancelReasons.paymentFail)],
    [r.unknown, num(p.cancelReasons.unknown)],
  ];
  const cells = (p: SubsPoint): TemplateResult[] => rows(p).map(([, v]) => html`<td class="num">${v}</td>`);
  const { totals, points } = data;
  const card = (label: string, value: string, hint: string = ''): TemplateResult =>
    html`<div class="card" part="subs-card" role="group" aria-label=${label}>
      <span class="label">${label}</span><strong class="value">${value}</strong>${hint ? html`<span class="label">${hint}</span>` : nothing}
    </div>`;
  const legend = (
    [
      ['items', t.subsNew],
      ['subs', t.resumed],
      ['cancel', t.cancelled],
      ['users', t.subsActive],
    ] as const
  ).map(([cls, label]) => html`<span><i class="sw ${cls}"></i>${label}</span>`);
  // Scrolls sideways on a phone (the period column stays): a region the keyboard can reach and scroll.
  const table = (): TemplateResult =>
    html`<div class="table-wrap" part="subs-table" tabindex="0" role="region" aria-label=${t.subsTableCaption}>
      <table>
        <caption class="muted">${t.subsTableCaption}</caption>
        <thead>
          <tr>
            <th scope="col">${t.period}</th>
            ${rows(totals).map(([h]) => html`<th class="num" scope="col">${h}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${points.map((p, i) => html`<tr><th scope="row">${names[i]}</th>${cells(p)}</tr>`)}
        </tbody>
        <tfoot>
          <tr><th scope="row">${t.total}</th>${cells(totals)}</tr>
        </tfoot>
      </table>
    </div>`;
  return html`<section class="subs-part" part="subscriptions" aria-labelledby="subs-title">
    <header class="row head">
      <h3 id="subs-title">${t.subsTitle}</h3>
      ${csv}
    </header>
    <div class="cards" part="subs-cards">
      ${card(t.mrr, c.votes(totals.monthlyRecurringVotes), t.mrrHint)} ${card(t.subsActive, num(totals.active))}
      ${card(t.subscribers, num(totals.activeSubscribers))} ${card(t.subsNew, num(totals.new))} ${card(t.renewed, num(totals.renewed))}
      ${card(t.cancelled, num(totals.cancelled), totals.cancelledPending ? `${t.pending}: ${num(totals.cancelledPending)}` : '')}
    </div>
    ${
      input.table
        ? table()
        : html`<span class="legend" aria-hidden="true">${legend}</span>
            <div class="plot" part="subs-chart">${chart(input, rows)}</div>`
    }
    <p class="muted note">${t.subsNote}</p>
  </section>`;
}
