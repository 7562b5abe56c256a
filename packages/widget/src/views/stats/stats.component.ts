import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { VkpElement } from '../../base/vkp-element.js';
import { GraphQLClientError } from '../../client/graphql-client.js';
import { pick } from '../../i18n.js';
import { geometry, renderChart, renderTooltip, type ChartModel, type Geometry, type Point } from './stats.chart.js';
import { download, exportUrl } from '../../components/download.js';
import { axisLabels, GRANULARITIES, MAX_DAILY_DAYS, parseDate, periodName, PRESETS, presetRange, spanDays, timeZone, type Granularity, type Preset } from './stats.dates.js';
import { strings, type StatsStrings } from './stats.strings.js';
import { renderTable } from './stats.table.js';
import { statsStyles } from './stats.styles.js';

const FIGURES = 'revenue itemsRevenue subscriptionsRevenue orders refunds payingUsers arppu';
const QUERY = `query Stats($vkAppId: Int!, $from: DateTime!, $to: DateTime!, $granularity: StatsGranularity!, $timeZone: String!) {
  paymentStats(vkAppId: $vkAppId, from: $from, to: $to, granularity: $granularity, timeZone: $timeZone) {
    totals { ${FIGURES} } points { periodStart periodEnd ${FIGURES} } } }`;

interface Stats {
  totals: Point;
  points: Point[];
  granularity: Granularity;
}

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
 * @csspart error - Why nothing could be shown.
 *
 * @cssproperty --vkp-color-chart-2 - The chart's second series (subscriptions). Defaults to the accent mixed with the text colour: darker in light, lighter in dark.
 */
export class VkPaymentsStats extends VkpElement {
  static override styles = [...VkpElement.styles, statsStyles];

  @state() private preset: Preset = 'd30';
  @state() private from = '';
  @state() private to = '';
  @state() private granularity: Granularity = 'DAY';
  /** The view chose weeks itself because the range got long; it goes back to days when it shrinks. */
  @state() private autoWeek = false;
  @state() private table = false;
  @state() private active: number | null = null;
  @state() private cursor = 0;
  @state() private width = 0;
  @state() private csv: 'idle' | 'busy' | Error = 'idle';

  readonly #timeZone = timeZone();
  /** "from to granularity" of the last valid choice: an invalid date keeps the last figures. */
  #applied = '';
  #last: Stats | undefined;
  #geometry: Geometry | undefined;
  #observed: Element | null = null;
  // Measured in a frame of its own: resizing inside the observer's callback would trip its loop check.
  readonly #resize = new ResizeObserver(([entry]) => requestAnimationFrame(() => (this.width = Math.round(entry?.contentRect.width ?? 0))));

  readonly #stats = new Task(this, {
    args: () => [this.session, this.#applied] as const,
    task: async ([session, applied], { signal }): Promise<Stats | undefined> => {
      if (!session || !applied) return undefined;
      const [from, to, granularity] = applied.split(' ') as [string, string, Granularity];
      try {
        const vars = { vkAppId: session.vkAppId, from, to, granularity, timeZone: this.#timeZone };
        const { paymentStats } = await session.client.request<{ paymentStats: Omit<Stats, 'granularity'> }>(QUERY, vars, signal);
        return { ...paymentStats, granularity };
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

  constructor() {
    super();
    [this.from, this.to] = presetRange('d30');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize.disconnect();
    this.#observed = null;
  }

  override willUpdate(): void {
    const from = parseDate(this.from);
    const to = parseDate(this.to, 1);
    if (from && to && from < to) this.#applied = `${from.toISOString()} ${to.toISOString()} ${this.granularity}`;
  }

  override updated(): void {
    const plot = this.renderRoot.querySelector('.plot');
    if (plot !== this.#observed) {
      this.#resize.disconnect();
      if (plot) this.#resize.observe(plot);
      this.#observed = plot;
    }
  }

  override render(): TemplateResult {
    if (!this.session) return this.renderNeedConfig();
    const t = pick(strings, this.activeLocale);
    const err = this.#stats.error;
    // BAD_USER_INPUT names the argument first ("to: the range holds more than 366 DAY periods…").
    const field = err instanceof GraphQLClientError && err.code === 'BAD_USER_INPUT' ? /^(from|to|granularity):\s*(.*)$/s.exec(err.message) : null;
    const data = this.#stats.value ?? this.#last;
    return html`<div class="wrap">
      <header class="head">
        <h2>${t.title}</h2>
        <button class="secondary" ?disabled=${this.csv === 'busy' || !data} @click=${this.#download}>${this.csv === 'busy' ? t.downloading : this.common.downloadCsv}</button>
      </header>
      ${this.csv instanceof Error ? html`<p class="notice error" role="alert">${t.csvFailed}: ${this.#explain(this.csv)}</p>` : nothing}
      ${this.#renderControls(t, field)}
      ${err && !field
        ? this.renderError(err, () => void this.#stats.run())
        : data
          ? this.#renderData(t, data, this.#stats.status !== TaskStatus.COMPLETE)
          : this.renderPending()}
    </div>`;
  }

  #renderControls(t: StatsStrings, field: RegExpExecArray | null): TemplateResult {
    const from = parseDate(this.from);
    const to = parseDate(this.to);
    const errors = {
      from: from ? (field?.[1] === 'from' ? field[2] : '') : t.needDate,
      to: !to ? t.needDate : from && from > to ? t.toBeforeFrom : field?.[1] === 'to' ? field[2] : '',
    };
    const date = (key: 'from' | 'to', label: string) =>
      html`<div class="date">
        <label>${label}
          <input type="date" .value=${this[key]} aria-invalid=${errors[key] ? 'true' : 'false'} aria-describedby="${key}-error" @change=${(e: Event) => this.#setDate(key, (e.target as HTMLInputElement).value)} />
        </label>
        <span class="field-error bad" id="${key}-error">${errors[key]}</span>
      </div>`;
    return html`<div class="controls" part="controls">
        <div class="field period">
          <label for="preset">${t.period}</label>
          <select id="preset" @change=${(e: Event) => this.#setPreset((e.target as HTMLSelectElement).value as Preset)}>
            ${[...PRESETS, 'custom' as const].map((p) => html`<option value=${p} ?selected=${p === this.preset}>${t.presets[p]}</option>`)}
          </select>
        </div>
        ${date('from', this.common.from)} ${date('to', this.common.to)}
        <div class="field">
          <span id="group-by">${t.groupBy}</span>
          <div class="seg" role="group" aria-labelledby="group-by">
            ${GRANULARITIES.map((g) => html`<button type="button" aria-pressed=${g === this.granularity} @click=${() => this.#setGranularity(g)}>${t.granularity[g]}</button>`)}
          </div>
          ${field?.[1] === 'granularity' ? html`<span class="field-error bad">${field[2]}</span>` : nothing}
        </div>
      </div>
      ${this.autoWeek ? html`<p class="muted hint">${t.weekHint}</p>` : nothing}`;
  }

  #renderData(t: StatsStrings, data: Stats, stale: boolean): TemplateResult {
    const locale = this.activeLocale;
    const nf = new Intl.NumberFormat(locale);
    const num = (n: number): string => nf.format(n);
    const votes = this.common.votes;
    const arppu = (v: number | null): string => (v === null ? '—' : Number.isInteger(v) ? votes(v) : `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(v)} ${t.fractionVotes}`);
    const { totals, points, granularity } = data;
    const names = points.map((p) => periodName(p.periodStart, p.periodEnd, granularity, locale));
    const describe = (p: Point): string =>
      `${t.revenue}: ${votes(p.revenue)}; ${t.items}: ${num(p.itemsRevenue)}; ${t.subscriptions}: ${num(p.subscriptionsRevenue)}; ${t.orders}: ${num(p.orders)}; ${t.refunds}: ${num(p.refunds)}; ${t.payingUsers}: ${num(p.payingUsers)}; ${t.arppu}: ${arppu(p.arppu)}`;
    const card = (label: string, value: string, extra: TemplateResult | typeof nothing = nothing, cls = '') =>
      html`<div class="card ${cls}" part="card" role="group" aria-label=${label}><span class="label">${label}</span><strong class="value">${value}</strong>${extra}</div>`;
    const empty = totals.orders === 0;
    const width = this.width || this.clientWidth || 320;
    const axis = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format;
    const g = (this.#geometry = geometry(points, width, axis));
    const model: ChartModel = {
      g,
      points,
      labels: axisLabels(points.map((p) => p.periodStart), granularity, locale),
      names,
      aria: points.map((p, i) => `${names[i]}. ${describe(p)}`),
      active: this.active,
      focus: this.cursor,
      t,
      axis,
      num,
      on: { keydown: this.#onKey, focusin: this.#onFocusIn, focusout: this.#onFocusOut, pointermove: this.#onPointer, pointerleave: this.#onLeave },
    };
    return html`<div class="data ${stale ? 'stale' : ''}" aria-busy=${stale}>
      <div class="cards" part="cards">
        ${card(t.revenue, votes(totals.revenue), html`<span class="split"><i class="sw items"></i>${t.items} ${num(totals.itemsRevenue)} <i class="sw subs"></i>${t.subscriptions} ${num(totals.subscriptionsRevenue)}</span>`, totals.revenue < 0 ? 'wide negative' : 'wide')}
        ${card(t.orders, num(totals.orders))} ${card(t.refunds, num(totals.refunds))} ${card(t.payingUsers, num(totals.payingUsers))}
        ${card(t.arppu, arppu(totals.arppu), html`<span class="split">${t.arppuHint}</span>`)}
      </div>
      <div class="bar">
        <span class="legend" aria-hidden="true">${this.table ? nothing : html`<span><i class="sw items"></i>${t.items}</span><span><i class="sw subs"></i>${t.subscriptions}</span>`}</span>
        <span class="seg">
          <button type="button" aria-pressed=${!this.table} @click=${() => (this.table = false)}>${t.chart}</button>
          <button type="button" aria-pressed=${this.table} @click=${() => (this.table = true)}>${t.table}</button>
        </span>
      </div>
      ${empty && this.table ? html`<p class="muted" part="message" role="status">${t.empty}</p>` : nothing}
      ${this.table
        ? renderTable(t, data, names, num, arppu)
        : html`<div class="plot" part="chart">
            ${renderChart(model)} ${renderTooltip(model, votes, this.active === null ? '' : arppu(points[this.active]?.arppu ?? null))}
            ${empty ? html`<p class="empty" part="message" role="status" style="top:${(g.top + g.revBottom) / 2 - 16}px">${t.empty}</p>` : nothing}
          </div>`}
      <p class="muted note">${t.note(this.#timeZone)}</p>
    </div>`;
  }

  #setPreset(preset: Preset): void {
    this.preset = preset;
    if (preset !== 'custom') [this.from, this.to] = presetRange(preset);
    this.#suggestGranularity();
  }

  #setDate(key: 'from' | 'to', value: string): void {
    this[key] = value;
    this.preset = 'custom';
    this.#suggestGranularity();
  }

  #setGranularity(granularity: Granularity): void {
    this.granularity = granularity;
    this.autoWeek = false;
  }

  /** Over 62 days, daily bars get thinner than a finger: weeks instead, until the range shrinks again. */
  #suggestGranularity(): void {
    const from = parseDate(this.from);
    const to = parseDate(this.to);
    if (!from || !to) return;
    const long = spanDays(from, to) > MAX_DAILY_DAYS;
    if (long && this.granularity === 'DAY') [this.granularity, this.autoWeek] = ['WEEK', true];
    else if (!long && this.autoWeek) [this.granularity, this.autoWeek] = ['DAY', false];
  }

  readonly #onPointer = (e: PointerEvent): void => {
    const g = this.#geometry;
    if (!g) return;
    const box = (e.currentTarget as Element).getBoundingClientRect();
    const i = Math.floor(((e.clientX - box.left) * (g.width / box.width) - g.left) / g.band);
    const n = this.#last?.points.length ?? 0;
    this.active = i >= 0 && i < n ? i : null;
  };

  readonly #onLeave = (): void => {
    // A period that has the keyboard focus keeps its tooltip when the mouse leaves.
    const focused = this.shadowRoot?.activeElement?.getAttribute('data-i');
    this.active = focused == null ? null : Number(focused);
  };

  readonly #onFocusIn = (e: FocusEvent): void => {
    const i = (e.target as Element).getAttribute('data-i');
    if (i !== null) this.active = this.cursor = Number(i);
  };

  readonly #onFocusOut = (e: FocusEvent): void => {
    if (!(e.currentTarget as Element).contains(e.relatedTarget as Node | null)) this.active = null;
  };

  /** Arrow keys, Home and End move between periods (one Tab stop for the whole chart). */
  readonly #onKey = (e: KeyboardEvent): void => {
    const n = this.#last?.points.length ?? 0;
    if (e.key === 'Escape') this.active = null;
    const next = { ArrowRight: this.cursor + 1, ArrowLeft: this.cursor - 1, Home: 0, End: n - 1 }[e.key];
    if (next === undefined || next < 0 || next >= n) return;
    e.preventDefault();
    this.cursor = this.active = next;
    void this.updateComplete.then(() => this.renderRoot.querySelector<SVGElement>(`.period[data-i="${next}"]`)?.focus());
  };

  async #download(): Promise<void> {
    const session = this.session;
    if (!session || !this.#applied) return;
    const [from, to, granularity] = this.#applied.split(' ') as [string, string, string];
    this.csv = 'busy';
    try {
      const url = exportUrl(session.client.endpoint, '/export/stats.csv', { vkAppId: session.vkAppId, from, to, granularity, timeZone: this.#timeZone });
      await download(session.client, url, 'stats.csv', this.renderRoot);
      this.csv = 'idle';
    } catch (err) {
      this.report(err);
      this.csv = err instanceof Error ? err : new Error(String(err));
    }
  }

  /** FORBIDDEN and UNAUTHENTICATED in the shared words; anything else as the server put it. */
  #explain(err: Error): string {
    const code = err instanceof GraphQLClientError ? err.code : '';
    return code === 'FORBIDDEN' ? this.common.forbiddenHint : code === 'UNAUTHENTICATED' ? this.common.unauthenticatedHint : err.message;
  }
}
