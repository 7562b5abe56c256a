import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { VkpElement } from '../../base/vkp-element.js';
import type { Session } from '../../client/session.js';
import { download, exportUrl } from '../../components/download.js';
import { dayEnd, dayStart } from '../../components/filters.js';
import { describeError, fieldOf } from '../../components/form-errors.js';
import { renderControls } from './stats.controls.js';
import { periodTexts, presetRange, type Granularity, type Preset } from './stats.dates.js';
import { StatsPlot, type Stats } from './stats.plot.js';
import { renderSubscriptions, type SubsStats } from './stats.subs.js';
import { strings } from './stats.strings.js';
import { chartStyles } from './stats.chart.styles.js';
import { statsStyles } from './stats.styles.js';

const FIGURES = 'revenue itemsRevenue subscriptionsRevenue orders refunds payingUsers arppu';
const SUBS =
  'active activeSubscribers monthlyRecurringVotes new renewed resumed cancelled cancelledPending cancelReasons{userDecision appDecision paymentFail unknown}';
const ARGS = 'vkAppId:$vkAppId,from:$from,to:$to,granularity:$granularity,timeZone:$timeZone';
const QUERY = `query Stats($vkAppId:Int!,$from:DateTime!,$to:DateTime!,$granularity:StatsGranularity!,$timeZone:String!){
  paymentStats(${ARGS}){totals{${FIGURES}} points{periodStart periodEnd ${FIGURES}}}
  subscriptionStats(${ARGS}){totals{${SUBS}} points{periodStart periodEnd ${SUBS}}}
}`;

/** What one answer shows: payments (the plot) and subscriptions (stats.subs.ts), in the same periods. */
type Loaded = Stats & { subscriptions: SubsStats };

/** A valid choice, as the query takes it: the range's first and last instant, and the periods' length. */
// A type, not an interface: the export URL takes it as a plain record of parameters.
type Applied = {
  from: string;
  to: string;
  granularity: Granularity;
};

const sameApplied = (a: Applied | undefined, b: Applied): boolean => a?.from === b.from && a.to === b.to && a.granularity === b.granularity;

/**
 * <vk-payments-stats>: VK's "Статистика → Платежи" — votes credited per day, week or month (items
 * and subscriptions), payments, refunds, paying users and ARPPU over a chosen period in the browser's
 * time zone, as summary cards, a chart (or a table) and a CSV download; under them the same periods'
 * subscriptions (stats.subs.ts): active ones, votes per month, new, renewed and cancelled by reason, as
 * cards, a chart, a table and their own CSV. The controls (stats.controls.ts) choose the period; the plot
 * (stats.plot.ts) shows its figures.
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
 * @csspart subscriptions - The subscriptions' part: its cards (`subs-cards`, each `subs-card`), chart
 * (`subs-chart`) and table (`subs-table`).
 *
 * @cssproperty --vkp-color-chart-2 - The chart's second series (subscriptions). Defaults to the accent
 * mixed with the text colour: darker in light, lighter in dark.
 */
export class VkPaymentsStats extends VkpElement {
  static override styles = [...VkpElement.styles, statsStyles, chartStyles];

  // Internal state (`state: true`), declared as every element does (see VkpElement.properties).
  static override properties = Object.fromEntries(
    ['preset', 'from', 'to', 'granularity', 'autoWeek', 'csv'].map((k) => [k, { state: true }]),
  );

  /** A quick range sets the dates (in willUpdate); typing a date makes it 'custom'. */
  private preset: Preset = 'd30';
  private from!: string;
  private to!: string;
  private granularity: Granularity = 'DAY';
  /** The view chose weeks itself because the range got long; it goes back to days when it shrinks. */
  private autoWeek?: boolean;
  private csv: 'busy' | Error | undefined;

  readonly #timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  /** The last valid choice (the same object while it does not change): an invalid date keeps the last figures. */
  #applied: Applied | undefined;
  /** The figures shown: the last answer, kept through a reload and a refused choice. */
  #last: Loaded | undefined;
  readonly #plot = new StatsPlot(this);
  readonly #stats = new Task(this, {
    args: () => [this.session, this.#applied] as const,
    task: async ([session, applied], { signal }): Promise<Loaded | undefined> => {
      if (!session || !applied) return undefined;
      const vars = this.#vars(session, applied);
      try {
        type Answer = { paymentStats: Omit<Stats, 'granularity'>; subscriptionStats: SubsStats };
        const { paymentStats, subscriptionStats } = await session.client.request<Answer>(QUERY, vars, signal);
        return { ...paymentStats, granularity: vars.granularity, subscriptions: subscriptionStats };
      } catch (err) {
        throw this.report(err);
      }
    },
    onComplete: (stats) => {
      this.#last = stats;
      this.#plot.reset(stats?.points.length ?? 0);
    },
  });

  /** The query's variables, which the CSV export takes as its parameters too. */
  #vars(session: Session, applied: Applied): Applied & { vkAppId: number; timeZone: string } {
    return { ...applied, vkAppId: session.vkAppId, timeZone: this.#timeZone };
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
    const next = { from, to, granularity: this.granularity };
    if (!sameApplied(this.#applied, next)) this.#applied = next;
  }

  override render(): TemplateResult {
    if (!this.session) return this.renderNeedConfig();
    const t = strings[this.activeLocale];
    const c = this.common;
    const err = this.#stats.error;
    // BAD_USER_INPUT names the argument ("to": the range holds too many periods), shown at its input.
    const field = fieldOf(err, ['from', 'to', 'granularity']);
    const data = this.#last;
    const csv = this.csv;
    const controls = renderControls({
      t,
      c,
      choice: { preset: this.preset, from: this.from, to: this.to, granularity: this.granularity },
      fieldError: (name) => (field === name ? describeError(err, this.activeLocale) : ''),
      onPreset: (preset) => (this.preset = preset),
      onDate: (key, value) => ([this[key], this.preset] = [value, 'custom']),
      onGranularity: (g) => ([this.granularity, this.autoWeek] = [g, false]),
    });
    const stale = this.#stats.status !== TaskStatus.COMPLETE;
    return html`<div class="wrap">
      <header class="row head">
        <h2>${t.title}</h2>
        <button class="secondary" ?disabled=${csv === 'busy' || !data} @click=${() => this.#download('stats')}>
          ${csv === 'busy' ? c.downloading : c.downloadCsv}
        </button>
      </header>
      ${csv instanceof Error ? this.renderError(csv, undefined, c.csvFailed) : nothing}
      ${controls}
      ${this.autoWeek ? html`<p class="muted hint">${t.weekHint}</p>` : nothing}
      ${
        err && !field
          ? this.renderError(err, () => void this.#stats.run())
          : data
            ? html`${this.#plot.render({ t, c, locale: this.activeLocale, data, stale, timeZone: this.#timeZone })}
              ${this.#subscriptions(data, stale)}`
            : this.renderPending()
      }
    </div>`;
  }

  #subscriptions(data: Loaded, stale: boolean): TemplateResult {
    const t = strings[this.activeLocale];
    const { names, labels } = periodTexts(data.subscriptions.points, data.granularity, this.activeLocale);
    const csv = html`<button class="secondary" ?disabled=${this.csv === 'busy'} @click=${() => this.#download('subscription-stats')}>
      ${this.csv === 'busy' ? this.common.downloading : t.subsCsv}
    </button>`;
    return html`<div class="data ${stale ? 'stale' : ''}" aria-busy=${stale}>
      ${renderSubscriptions({ t, c: this.common, locale: this.activeLocale, data: data.subscriptions, names, labels, width: this.#plot.width, table: this.#plot.table, csv })}
    </div>`;
  }

  /** Downloads the payments' (stats) or the subscriptions' figures of the shown choice as CSV. */
  async #download(what: 'stats' | 'subscription-stats'): Promise<void> {
    const session = this.session;
    if (!session || !this.#applied) return;
    this.csv = 'busy';
    try {
      const url = exportUrl(session.client.endpoint, `/export/${what}.csv`, this.#vars(session, this.#applied));
      await download(session.client, url, `${what}.csv`, this.renderRoot);
      this.csv = undefined;
    } catch (err) {
      this.csv = this.report(err) as Error;
    }
  }
}
