/**
 * The plot of <vk-payments-stats>: the period's totals as cards, then a chart (or a table) of every
 * period, with the tooltip of the hovered or focused one. A Lit reactive controller: it keeps what only
 * the plot uses (the chart or the table, the tooltip's period, the chart's Tab stop, the width) and
 * renders the figures it is given.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { CommonStrings, Locale } from '../../i18n.js';
import { geometry, renderChart, type Geometry, type Point } from './stats.chart.js';
import { periodTexts, type Granularity } from './stats.dates.js';
import type { StatsStrings } from './stats.strings.js';

export interface Stats {
  totals: Point;
  points: Point[];
  granularity: Granularity;
}

/** A figure as the tooltip, the table and screen readers list it: label, value, the chart series' swatch. */
type Figure = [label: string, value: string, swatch?: string];

/** What the plot renders from. */
export interface PlotInput {
  t: StatsStrings;
  c: CommonStrings;
  locale: Locale;
  data: Stats;
  /** Figures of an earlier choice, shown while the new ones load. */
  stale: boolean;
  /** The browser's, which the periods are cut in. */
  timeZone: string;
}

type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

/** A row of toggle buttons, one pressed. */
export function segmented<T>(options: Array<[T, string]>, value: T, set: (v: T) => void): TemplateResult[] {
  return options.map(([v, label]) => html`<button type="button" aria-pressed=${v === value} @click=${() => set(v)}>${label}</button>`);
}

const swatch = (cls?: string): TemplateResult | typeof nothing => (cls ? html`<i class="sw ${cls}"></i>` : nothing);

const card = (label: string, value: string, extra: unknown = nothing, cls = ''): TemplateResult =>
  html`<div class="card" part="card" role="group" aria-label=${label}>
    <span class="label">${label}</span><strong class="value ${cls}">${value}</strong>${extra}
  </div>`;

export class StatsPlot implements ReactiveController {
  readonly #host: Host;
  /** The table instead of the chart. */
  #table = false;
  /** The period whose tooltip shows (hovered or focused), and the one holding the chart's Tab stop. */
  #active: number | null = null;
  #cursor = 0;
  #width: number | undefined;
  #geometry: Geometry | undefined;
  #count = 0;

  constructor(host: Host) {
    this.#host = host;
    host.addController(this);
    // The chart fills the element's width: observing the host, not the chart, needs no re-wiring when
    // the chart comes and goes, nor when the element moves. Measured in a frame of its own: resizing
    // inside the observer's callback would trip its loop check.
    new ResizeObserver(([entry]) =>
      requestAnimationFrame(() => this.#set(() => (this.#width = Math.round(entry!.contentRect.width)))),
    ).observe(host);
  }

  hostConnected(): void {
    // Nothing to set up: the observer above follows the host wherever it goes.
  }

  /** The table instead of the chart was chosen (for the subscriptions part too). */
  get table(): boolean {
    return this.#table;
  }

  /** The element's width in CSS pixels, as the charts are drawn (the subscriptions' too). */
  get width(): number {
    return this.#width || this.#host.clientWidth || 320;
  }

  /** New figures arrived: no tooltip, and the latest period takes the Tab stop. */
  reset(count: number): void {
    this.#count = count;
    this.#set(() => {
      this.#active = null;
      this.#cursor = Math.max(0, count - 1);
    });
  }

  #set(change: () => void): void {
    change();
    this.#host.requestUpdate();
  }

  render({ t, c, locale, data: { totals, points, granularity }, stale, timeZone }: PlotInput): TemplateResult {
    const numbers = new Intl.NumberFormat(locale);
    const num = (n: number): string => numbers.format(n);
    const votes = c.votes;
    // Russian puts a fractional number of votes in the genitive singular («12,5 голоса»), which votes() cannot know.
    const arppu = (v: number | null): string => (v === null ? '—' : Number.isInteger(v) ? votes(v) : `${num(v)} ${t.fractionVotes}`);
    /** A period's figures after its revenue. */
    const figures = (p: Point): Figure[] => [
      [t.items, num(p.itemsRevenue), 'items'],
      [t.subscriptions, num(p.subscriptionsRevenue), 'subs'],
      [t.orders, num(p.orders)],
      [t.refunds, num(p.refunds)],
      [t.payingShort, num(p.payingUsers), 'users'],
      [t.arppu, arppu(p.arppu)],
    ];
    // Items and subscriptions with their colours: under the revenue card (with values) and over the chart.
    const legend = (values: boolean): TemplateResult[] =>
      figures(totals)
        .slice(0, 2)
        .map(([label, value, cls]) => html`<span>${swatch(cls)}${label}${values ? ` ${value}` : ''}</span>`);
    const { names, labels } = periodTexts(points, granularity, locale);
    const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
    const axis = (n: number): string => compact.format(n);
    const g = (this.#geometry = geometry(points, this.width, axis));
    const empty = totals.orders === 0;
    const emptyNote = (style?: string): TemplateResult =>
      html`<p class="empty" part="message" role="status" .style=${style ?? ''}>${t.empty}</p>`;
    const cells = (p: Point): TemplateResult[] =>
      [num(p.revenue), ...figures(p).map((f) => f[1])].map((v) => html`<td class="num">${v}</td>`);
    const table = (): TemplateResult =>
      html`${empty ? html`<p class="muted" part="message" role="status">${t.empty}</p>` : nothing}
        <div class="table-wrap" part="table">
          <table>
            <thead>
              <tr>
                <th scope="col">${t.period}</th>
                ${[t.revenue, ...figures(totals).map((f) => f[0])].map((h) => html`<th class="num" scope="col">${h}</th>`)}
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
    const i = this.#active;
    const p = i === null ? undefined : points[i];
    const aria = points.map(
      (p, i) => `${names[i]}. ${[[t.revenue, votes(p.revenue)], ...figures(p)].map(([l, v]) => `${l}: ${v}`).join('; ')}`,
    );
    // Beside its column, on the side with more room. Positions go through the CSSOM (`.style`), never a
    // style attribute, which the admin page's CSP (style-src 'self') refuses.
    const tipAt = (i: number): string => {
      const side =
        g.left + g.band * (i + 0.5) > g.width / 2 ? `right:${g.width - g.left - g.band * i + 6}` : `left:${g.left + g.band * (i + 1) + 6}`;
      return `${side}px;top:${g.top}px`;
    };
    const chart = (): TemplateResult =>
      html`<div
        class="plot"
        part="chart"
        @keydown=${this.#onKey}
        @focusin=${this.#settle}
        @focusout=${this.#settle}
        @pointermove=${this.#onPointer}
        @pointerdown=${this.#onPointer}
        @pointerleave=${this.#settle}
      >
        ${renderChart({ g, points, labels, aria, active: i, focus: this.#cursor, t, axis })}
        ${
          p && i !== null
            ? html`<div class="tip" part="tooltip" aria-hidden="true" .style=${tipAt(i)}>
              <strong>${names[i]}</strong><span class="tip-total">${votes(p.revenue)}</span>
              ${figures(p).map(([label, value, cls]) => html`<span>${swatch(cls)}${label}<b>${value}</b></span>`)}
            </div>`
            : nothing
        }
        ${empty ? emptyNote(`top:${(g.top + g.revBottom) / 2 - 16}px`) : nothing}
      </div>`;
    return html`<div class="data ${stale ? 'stale' : ''}" aria-busy=${stale}>
      <div class="cards" part="cards">
        ${card(t.revenue, votes(totals.revenue), html`<span class="legend">${legend(true)}</span>`, totals.revenue < 0 ? 'bad' : '')}
        ${card(t.orders, num(totals.orders))} ${card(t.refunds, num(totals.refunds))} ${card(t.payingUsers, num(totals.payingUsers))}
        ${card(t.arppu, arppu(totals.arppu), html`<span class="label">${t.arppuHint}</span>`)}
      </div>
      <div class="row bar">
        <span class="legend" aria-hidden="true">${this.#table ? nothing : legend(false)}</span>
        <span class="seg">
          ${segmented(
            [
              [false, t.chart],
              [true, t.table],
            ],
            this.#table,
            (v) => this.#set(() => (this.#table = v)),
          )}
        </span>
      </div>
      ${this.#table ? table() : chart()}
      <p class="muted note">${t.note} ${timeZone}</p>
    </div>`;
  }

  readonly #onPointer = (e: PointerEvent): void => {
    const g = this.#geometry!;
    const box = (e.currentTarget as Element).getBoundingClientRect();
    const i = Math.floor(((e.clientX - box.left) * (g.width / box.width) - g.left) / g.band);
    this.#set(() => (this.#active = i >= 0 && i < this.#count ? i : null));
  };

  /**
   * Focus came or went, or the pointer left: the period that has the keyboard focus (if any) shows its
   * tooltip and keeps the Tab stop. (During focusout nothing has the focus yet; focusin follows.)
   */
  readonly #settle = (): void => {
    const root = this.#host.renderRoot;
    const focused = root instanceof ShadowRoot ? root.activeElement?.getAttribute('data-i') : undefined;
    this.#set(() => (this.#active = focused == null ? null : (this.#cursor = Number(focused))));
  };

  /** Arrow keys, Home and End move between periods (one Tab stop for the whole chart). */
  readonly #onKey = (e: KeyboardEvent): void => {
    const n = this.#count;
    if (e.key === 'Escape') this.#set(() => (this.#active = null));
    const next =
      ({ ArrowRight: this.#cursor + 1, ArrowLeft: this.#cursor - 1, Home: 0, End: n - 1 } as Record<string, number>)[e.key] ?? -1;
    if (next < 0 || next >= n) return;
    e.preventDefault();
    this.#set(() => (this.#cursor = this.#active = next));
    void this.#host.updateComplete.then(() => this.#host.renderRoot.querySelector<SVGElement>(`[data-i="${next}"]`)?.focus());
  };
}
