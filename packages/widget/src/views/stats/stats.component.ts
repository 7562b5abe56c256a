import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { VkpElement } from '../../base/vkp-element.js';
import type { Session } from '../../client/session.js';
import { download, exportUrl } from '../../components/download.js';
import { dayEnd, dayStart } from '../../components/filters.js';
import { describeError, fieldOf } from '../../components/form-errors.js';
import { geometry, renderChart, type Geometry, type Point } from './stats.chart.js';
import { periodTexts, presetRange, type Granularity, type Preset } from './stats.dates.js';
import { strings, type StatsStrings } from './stats.strings.js';
import { statsStyles } from './stats.styles.js';

const FIGURES = 'revenue itemsRevenue subscriptionsRevenue orders refunds payingUsers arppu';
const QUERY = `query Stats($vkAppId:Int!,$from:DateTime!,$to:DateTime!,$granularity:StatsGranularity!,$timeZone:String!){paymentStats(vkAppId:$vkAppId,from:$from,to:$to,granularity:$granularity,timeZone:$timeZone){totals{${FIGURES}}points{periodStart periodEnd ${FIGURES}}}}`;

interface Stats {
  totals: Point;
  points: Point[];
  granularity: Granularity;
}

/** A figure as the tooltip, the table and screen readers list it: label, value, the chart series' swatch. */
type Figure = [label: string, value: string, swatch?: string];

/**
 * <vk-payments-stats>: VK's "Статистика → Платежи" — votes credited per day, week or month (items
 * and subscriptions), payments, refunds, paying users and ARPPU over a chosen period in the browser's
 * time zone, as summary cards, a chart (or a table) and a CSV download.
 *
 * @fires vkp-error - Loading or the CSV download failed. `detail: { code, message }`.
 *
 * @csspart controls - The period picker.
 * @csspart cards - The period's totals.
 * @csspart card - One total.
 * @csspart chart - The chart's frame.
 * @csspart tooltip - The figures of the hovered or focused period.
 * @csspart table - The table shown instead of the chart.
 * @csspart message - A quiet line (loading, not configured, no payments).
 * @csspart error - Why nothing could be shown, or why the CSV download failed.
 *
 * @cssproperty --vkp-color-chart-2 - The chart's second series (subscriptions). Defaults to the accent mixed with the text colour: darker in light, lighter in dark.
 */
export class VkPaymentsStats extends VkpElement {
  static override styles = [...VkpElement.styles, statsStyles];

  // Internal state (`state: true`), declared as every element does (see VkpElement.properties).
  static override properties = Object.fromEntries('preset from to granularity autoWeek table active cursor width csv'.split(' ').map((k) => [k, { state: true }]));

  /** A quick range sets the dates (in willUpdate); typing a date makes it 'custom'. */
  private preset: Preset = 'd30';
  private from!: string;
  private to!: string;
  private granularity: Granularity = 'DAY';
  /** The view chose weeks itself because the range got long; it goes back to days when it shrinks. */
  private autoWeek?: boolean;
  private table = false;
  /** The period whose tooltip shows (hovered or focused), and the one holding the chart's Tab stop. */
  private active: number | null = null;
  private cursor = 0;
  private width?: number;
  private csv: 'busy' | Error | undefined;

  readonly #timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  /** `{ from, to, granularity }` of the last valid choice, as JSON: an invalid date keeps the last figures. */
  #applied = '';
  /** The figures shown: the last answer, kept through a reload and a refused choice. */
  #last: Stats | undefined;
  #geometry: Geometry | undefined;
  readonly #stats = new Task(this, {
    args: () => [this.session, this.#applied] as const,
    task: async ([session, applied], { signal }): Promise<Stats | undefined> => {
      if (!session || !applied) return undefined;
      const vars = this.#vars(session, applied);
      try {
        const { paymentStats } = await session.client.request<{ paymentStats: Omit<Stats, 'granularity'> }>(QUERY, vars, signal);
        return { ...paymentStats, granularity: vars.granularity };
      } catch (err) {
        throw this.report(err);
      }
    },
    onComplete: (stats) => {
      this.#last = stats;
      this.active = null;
      this.cursor = Math.max(0, (stats?.points.length ?? 1) - 1); // the latest period takes the Tab stop
    },
  });

  /** The query's variables, which the CSV export takes as its parameters too. */
  #vars(session: Session, applied: string): { vkAppId: number; timeZone: string; from: string; to: string; granularity: Granularity } {
    return { ...JSON.parse(applied), vkAppId: session.vkAppId, timeZone: this.#timeZone };
  }

  constructor() {
    super();
    // The chart fills the element's width: observing the host, not the chart, needs no re-wiring when
    // the chart comes and goes, nor when the element moves. Measured in a frame of its own: resizing
    // inside the observer's callback would trip its loop check.
    new ResizeObserver(([entry]) => requestAnimationFrame(() => (this.width = Math.round(entry!.contentRect.width)))).observe(this);
  }

  override willUpdate(changed: PropertyValues): void {
    if (changed.has('preset') && this.preset !== 'custom') [this.from, this.to] = presetRange(this.preset);
    const from = dayStart(this.from);
    const to = dayEnd(this.to);
    if (!from || !to || to <= from) return;
    if (changed.has('from') || changed.has('to')) {
      // Over 62 days, daily bars get thinner than a finger: weeks instead, until the range shrinks
      // again. (62.5: a DST change makes one day 23 or 25 hours long.)
      const long = Date.parse(to) - Date.parse(from) > 62.5 * 864e5;
      if (long && this.granularity === 'DAY') [this.granularity, this.autoWeek] = ['WEEK', true];
      else if (!long && this.autoWeek) [this.granularity, this.autoWeek] = ['DAY', false];
    }
    this.#applied = JSON.stringify({ from, to, granularity: this.granularity });
  }

  /** A row of toggle buttons, one pressed. */
  #seg<T>(options: Array<[T, string]>, value: T, set: (v: T) => void): TemplateResult[] {
    return options.map(([v, label]) => html`<button type="button" aria-pressed=${v === value} @click=${() => set(v)}>${label}</button>`);
  }

  override render(): TemplateResult {
    if (!this.session) return this.renderNeedConfig();
    const t = strings[this.activeLocale];
    const c = this.common;
    const err = this.#stats.error;
    // BAD_USER_INPUT names the argument ("to": the range holds too many periods), shown at its input.
    const field = fieldOf(err, ['from', 'to', 'granularity']);
    const fieldError = (name: string): string => (field === name ? describeError(err, this.activeLocale) : '');
    const data = this.#last;
    const csv = this.csv;
    // Date inputs hold '' or a valid yyyy-mm-dd, and such strings compare as the days do.
    const date = (key: 'from' | 'to', label: string, error: string): TemplateResult =>
      html`<div class="date"><label>${label}<input type="date" .value=${this[key]} aria-invalid=${!!error} aria-describedby="${key}-error" @change=${(e: Event) => ([this[key], this.preset] = [(e.target as HTMLInputElement).value, 'custom'])} /></label><span class="field-error bad" id="${key}-error">${error}</span></div>`;
    return html`<div class="wrap">
      <header class="row head">
        <h2>${t.title}</h2>
        <button class="secondary" ?disabled=${csv === 'busy' || !data} @click=${this.#download}>${csv === 'busy' ? c.downloading : c.downloadCsv}</button>
      </header>
      ${csv instanceof Error ? this.renderError(csv, undefined, c.csvFailed) : nothing}
      <div class="controls" part="controls">
        <div class="field period">
          <label for="preset">${t.period}</label>
          <select id="preset" @change=${(e: Event) => (this.preset = (e.target as HTMLSelectElement).value as Preset)}>
            ${Object.entries(t.presets).map(([p, label]) => html`<option value=${p} ?selected=${p === this.preset}>${label}</option>`)}
          </select>
        </div>
        ${date('from', c.from, this.from ? fieldError('from') : t.needDate)}
        ${date('to', c.to, !this.to ? t.needDate : this.to < this.from ? t.toBeforeFrom : fieldError('to'))}
        <div class="field">
          <span id="group-by">${t.groupBy}</span>
          <div class="seg" role="group" aria-labelledby="group-by">
            ${this.#seg(Object.entries(t.granularity) as Array<[Granularity, string]>, this.granularity, (g) => ([this.granularity, this.autoWeek] = [g, false]))}
          </div>
          <span class="field-error bad">${fieldError('granularity')}</span>
        </div>
      </div>
      ${this.autoWeek ? html`<p class="muted hint">${t.weekHint}</p>` : nothing}
      ${err && !field ? this.renderError(err, () => void this.#stats.run()) : data ? this.#renderData(t, data, this.#stats.status !== TaskStatus.COMPLETE) : this.renderPending()}
    </div>`;
  }

  #renderData(t: StatsStrings, { totals, points, granularity }: Stats, stale: boolean): TemplateResult {
    const locale = this.activeLocale;
    const num = new Intl.NumberFormat(locale).format;
    const votes = this.common.votes;
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
    const swatch = (cls?: string): TemplateResult | typeof nothing => (cls ? html`<i class="sw ${cls}"></i>` : nothing);
    // Items and subscriptions with their colours: under the revenue card (with values) and over the chart.
    const legend = (values: boolean): TemplateResult[] => figures(totals).slice(0, 2).map(([label, value, cls]) => html`<span>${swatch(cls)}${label}${values ? ` ${value}` : ''}</span>`);
    const card = (label: string, value: string, extra: unknown = nothing, cls = ''): TemplateResult =>
      html`<div class="card" part="card" role="group" aria-label=${label}><span class="label">${label}</span><strong class="value ${cls}">${value}</strong>${extra}</div>`;
    const { names, labels } = periodTexts(points, granularity, locale);
    const axis = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format;
    const g = (this.#geometry = geometry(points, this.width || this.clientWidth || 320, axis));
    const empty = totals.orders === 0;
    const i = this.active;
    const p = points[i ?? -1];
    const cells = (p: Point): TemplateResult[] => [num(p.revenue), ...figures(p).map((f) => f[1])].map((v) => html`<td class="num">${v}</td>`);
    return html`<div class="data ${stale ? 'stale' : ''}" aria-busy=${stale}>
      <div class="cards" part="cards">
        ${card(t.revenue, votes(totals.revenue), html`<span class="legend">${legend(true)}</span>`, totals.revenue < 0 ? 'bad' : '')}
        ${card(t.orders, num(totals.orders))} ${card(t.refunds, num(totals.refunds))} ${card(t.payingUsers, num(totals.payingUsers))}
        ${card(t.arppu, arppu(totals.arppu), html`<span class="label">${t.arppuHint}</span>`)}
      </div>
      <div class="row bar">
        <span class="legend" aria-hidden="true">${this.table ? nothing : legend(false)}</span>
        <span class="seg">${this.#seg([[false, t.chart], [true, t.table]], this.table, (v) => (this.table = v))}</span>
      </div>
      ${this.table
        ? html`${empty ? html`<p class="muted" part="message" role="status">${t.empty}</p>` : nothing}
            <div class="table-wrap" part="table"><table>
              <thead><tr><th scope="col">${t.period}</th>${[t.revenue, ...figures(totals).map((f) => f[0])].map((h) => html`<th class="num" scope="col">${h}</th>`)}</tr></thead>
              <tbody>${points.map((p, i) => html`<tr><th scope="row">${names[i]}</th>${cells(p)}</tr>`)}</tbody>
              <tfoot><tr><th scope="row">${t.total}</th>${cells(totals)}</tr></tfoot>
            </table></div>`
        : html`<div class="plot" part="chart" @keydown=${this.#onKey} @focusin=${this.#settle} @focusout=${this.#settle} @pointermove=${this.#onPointer} @pointerdown=${this.#onPointer} @pointerleave=${this.#settle}>
            ${renderChart({ g, points, labels, aria: points.map((p, i) => `${names[i]}. ${[[t.revenue, votes(p.revenue)], ...figures(p)].map(([l, v]) => `${l}: ${v}`).join('; ')}`), active: i, focus: this.cursor, t, axis })}
            ${p
              ? // Beside its column, on the side with more room. Positions go through the CSSOM (`.style`),
                // never a style attribute, which the admin page's CSP (style-src 'self') refuses.
                html`<div class="tip" part="tooltip" aria-hidden="true" .style="${g.left + g.band * (i! + 0.5) > g.width / 2 ? `right:${g.width - g.left - g.band * i! + 6}` : `left:${g.left + g.band * (i! + 1) + 6}`}px;top:${g.top}px">
                  <strong>${names[i!]}</strong><span class="tip-total">${votes(p.revenue)}</span>
                  ${figures(p).map(([label, value, cls]) => html`<span>${swatch(cls)}${label}<b>${value}</b></span>`)}
                </div>`
              : nothing}
            ${empty ? html`<p class="empty" part="message" role="status" .style="top:${(g.top + g.revBottom) / 2 - 16}px">${t.empty}</p>` : nothing}
          </div>`}
      <p class="muted note">${t.note} ${this.#timeZone}</p>
    </div>`;
  }

  #onPointer(e: PointerEvent): void {
    const g = this.#geometry!;
    const box = (e.currentTarget as Element).getBoundingClientRect();
    const i = Math.floor(((e.clientX - box.left) * (g.width / box.width) - g.left) / g.band);
    this.active = i >= 0 && i < this.#last!.points.length ? i : null;
  }

  /**
   * Focus came or went, or the pointer left: the period that has the keyboard focus (if any) shows its
   * tooltip and keeps the Tab stop. (During focusout nothing has the focus yet; focusin follows.)
   */
  #settle(): void {
    const focused = this.shadowRoot!.activeElement?.getAttribute('data-i');
    this.active = focused == null ? null : (this.cursor = Number(focused));
  }

  /** Arrow keys, Home and End move between periods (one Tab stop for the whole chart). */
  #onKey(e: KeyboardEvent): void {
    const n = this.#last!.points.length;
    if (e.key === 'Escape') this.active = null;
    const next = ({ ArrowRight: this.cursor + 1, ArrowLeft: this.cursor - 1, Home: 0, End: n - 1 } as Record<string, number>)[e.key] ?? -1;
    if (next < 0 || next >= n) return;
    e.preventDefault();
    this.cursor = this.active = next;
    void this.updateComplete.then(() => this.renderRoot.querySelector<SVGElement>(`[data-i="${next}"]`)?.focus());
  }

  async #download(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.csv = 'busy';
    try {
      await download(session.client, exportUrl(session.client.endpoint, '/export/stats.csv', this.#vars(session, this.#applied)), 'stats.csv', this.renderRoot);
      this.csv = undefined;
    } catch (err) {
      this.csv = this.report(err) as Error;
    }
  }
}
