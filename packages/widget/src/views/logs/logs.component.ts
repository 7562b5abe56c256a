import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { GraphQLClientError } from '../../client/graphql-client.js';
import type { Session } from '../../client/session.js';
import { CursorList, type ViewTexts } from '../../components/cursor-list.js';
import { userLinkStyles } from '../../components/user-link.js';
import type { Filter } from '../../components/list-filters.js';
import { outcomeStyles } from '../../components/outcome.js';
import { subscribeLive } from './logs.live.js';
import { KINDS, LOGS_QUERY, matches, toFilter, type LogConnection, type LogRow } from './logs.query.js';
import { logRow } from './logs.rows.js';
import { simulate, simulationForm, simulationResult, type SimInvalid, type Simulation } from './logs.simulate.js';
import { strings } from './logs.strings.js';
import { logsStyles } from './logs.styles.js';

type Texts = ViewTexts<(typeof strings)['ru']>;

/**
 * `<vk-payments-logs>`: the log of VK's requests to the payment endpoint and our answers (VK's
 * "Платежи → Подключение → Логи", docs/protocol.md §8), filterable, cursor-paged, with a live tail.
 * A row opens to show the request fields and our answer as JSON, the signature check and any warning.
 * "Send test notification" has the server play VK's whole sequence against its own endpoint; the
 * steps land in the log like VK's requests.
 *
 * @fires vkp-open-customer - A user id was clicked: open that customer (components/user-link.ts). `detail: { vkUserId }`. Bubbles and is composed; `<vk-payments-admin>` opens its Customer tab.
 * @fires vkp-error - Loading failed, the live log could not connect, or a test notification could not be sent. `detail: { code, message }`.
 *
 * @csspart filters - The filter form.
 * @csspart table - The table of requests.
 * @csspart user-link - A user id: opens the customer.
 * @csspart profile-link - The small link to the user's VK profile.
 * @csspart row - One request's row.
 * @csspart details - The opened details under a row.
 * @csspart json - A request or answer as formatted JSON.
 * @csspart warning - The warning of a row, in its details.
 * @csspart pager - The "N of M" line and the "Show more" button.
 * @csspart more - The "Show more" button.
 * @csspart live - The live switch and its state.
 * @csspart simulate - The "Send test notification" panel: its form and what came back.
 * @csspart simulation - What the test notification got: a summary line and the steps.
 * @csspart step - One step of it (a notification type, sent twice).
 * @csspart message - A quiet line (loading, not configured, empty).
 * @csspart error - Why nothing could be shown, or why the test notification was not sent.
 * @csspart field-error - A filter or test notification value that was refused, under its input.
 *
 * @cssproperty --vkp-color-accent - Also tints rows that just arrived live.
 */
export class VkPaymentsLogs extends CursorList<LogRow, (typeof strings)['ru'], LogConnection> {
  static override styles = [...CursorList.styles, outcomeStyles, userLinkStyles, logsStyles];
  static override properties: PropertyDeclarations = {
    opened: { state: true },
    liveState: { state: true },
    liveError: { state: true },
    simOpen: { state: true },
    sim: { state: true },
    simInvalid: { state: true },
  };

  protected readonly strings = strings;
  private opened = new Set<string>();
  private liveState: 'off' | 'connecting' | 'on' = 'off';
  private liveError: GraphQLClientError | undefined;
  private simOpen = false;
  /** The test notification: being sent, what it got, or why it failed. */
  private sim: 'busy' | Simulation | Error | undefined;
  private simInvalid: SimInvalid = {};

  /** Rows that arrived live (tinted for a moment). */
  #fresh = new Set<string>();
  /** Ends the open subscription. */
  #stopLive: (() => void) | undefined;
  /** The session the subscription was opened with (undefined when none is open). */
  #liveSession: Session | undefined;

  protected async page(session: Session, filter: Filter, first: number, after: string | null, signal: AbortSignal): Promise<LogConnection> {
    const vars = { vkAppId: session.vkAppId, filter: toFilter(filter), first, after };
    return (await session.client.request<{ notificationLogs: LogConnection }>(LOGS_QUERY, vars, signal)).notificationLogs;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.liveState !== 'off') this.#live(true); // moved in the page: keep it live
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopLive?.();
    this.#stopLive = this.#liveSession = undefined;
  }

  override willUpdate(changed: PropertyValues): void {
    if (changed.has('applied')) this.opened = new Set();
    // A new token or app: the socket was opened with the old one.
    if (this.#liveSession && this.session !== this.#liveSession) this.#live(true);
  }

  protected renderTools(t: Texts): TemplateResult {
    const { liveState, liveError, simOpen, sim } = this;
    return html`<div class="row tools">
        <button class="secondary" @click=${() => void this.task.run()}>${t.refresh}</button>
        <button class="secondary" aria-expanded=${simOpen} aria-controls="simulate" @click=${() => (this.simOpen = !simOpen)}>${t.simulate}</button>
        <div class="row live" part="live">
          <label class="check">
            <input type="checkbox" role="switch" .checked=${liveState !== 'off'} @change=${(e: Event) => this.#live((e.target as HTMLInputElement).checked)} />
            ${t.live}
          </label>
          <span class="live-state ${liveState} ${liveError ? 'bad' : 'muted'}" role="status">
            ${liveState === 'on' ? t.liveOn : liveState !== 'off' ? t.liveConnecting : liveError ? `${t.liveFailed}: ${liveError.message}` : ''}
          </span>
        </div>
      </div>
      <section id="simulate" class="sim" part="simulate" aria-label=${t.simulate} ?hidden=${!simOpen}>
        ${simulationForm(t, sim === 'busy', this.simInvalid, (e) => void this.#simulate(e))}
        ${sim instanceof Error ? this.renderError(sim, undefined, t.sendFailed) : sim && sim !== 'busy' ? simulationResult(sim, t, this.common.user) : nothing}
      </section>`;
  }

  protected renderFields(t: Texts): unknown {
    const select = (name: string, label: string, options: string[][]): TemplateResult =>
      html`<label>
        ${label}
        <select name=${name} .value=${this.applied[name] ?? ''}>
          ${options.map(([value, text]) => html`<option value=${value!}>${text ?? value}</option>`)}
        </select>
      </label>`;
    return [
      select('type', t.type, [['', t.allTypes], ...KINDS.map((k) => [k])]),
      select('result', t.result, [
        ['', t.all],
        ['ok', t.onlyOk],
        ['errors', t.onlyErrors],
      ]),
      select('test', t.mode, [
        ['', t.all],
        ['test', t.onlyTest],
        ['real', t.onlyReal],
      ]),
      this.field('user', t.userId),
      this.field('order', t.orderId),
      this.field('from', this.common.from, 'date'),
      this.field('to', this.common.to, 'date'),
    ];
  }

  protected heads(t: Texts): unknown[] {
    return [t.time, t.type, this.common.user, t.order, t.result, [html`<abbr title=${t.msLong}>${t.ms}</abbr>`]];
  }

  protected row(row: LogRow, t: Texts): TemplateResult {
    const { id } = row;
    return logRow(row, {
      t,
      c: this.common,
      locale: this.activeLocale,
      open: this.opened.has(id),
      fresh: this.#fresh.has(id),
      toggle: () => {
        const opened = new Set(this.opened);
        if (!opened.delete(id)) opened.add(id);
        this.opened = opened;
      },
    });
  }

  protected empty(t: Texts): string {
    return Object.keys(this.applied).length ? t.noneFiltered : t.none;
  }

  /** Sends the test notification; its steps were logged, so the list loads again to show them. */
  #simulate = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    if (this.sim === 'busy') return;
    this.sim = 'busy';
    this.simInvalid = {};
    try {
      const result = await simulate(this.session!, e.target as HTMLFormElement);
      if ('ok' in result) {
        this.sim = result;
        void this.task.run();
        return;
      }
      // Refused before sending: the first input concerned takes the focus, so a keyboard user lands on it.
      [this.sim, this.simInvalid] = [undefined, result];
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.sim [aria-invalid=true]')?.focus();
    } catch (err) {
      this.sim = this.report(err) as Error;
    }
  };

  /** Opens the live tail (again, with the session now in use) or closes it. */
  #live(on: boolean): void {
    this.#stopLive?.();
    const session = on ? this.session : undefined;
    this.#liveSession = session;
    this.#stopLive = undefined;
    this.liveError = undefined;
    this.liveState = session ? 'connecting' : 'off';
    if (!session) return;
    this.#stopLive = subscribeLive(session, {
      connecting: () => (this.liveState = 'connecting'),
      connected: () => (this.liveState = 'on'),
      row: (row) => {
        // The server sends every row of the app; only those the filter shows belong here.
        if (matches(row, this.applied) && this.addLive(row)) this.#fresh.add(row.id);
      },
      failed: (err) => {
        this.#live(false);
        this.liveError = err;
        this.report(err);
      },
    });
  }
}
