import { html, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { VkpElement } from '../../base/vkp-element.js';
import { GraphQLClientError } from '../../client/graphql-client.js';
import type { Session } from '../../client/session.js';
import { CursorList, moreFooter } from '../../components/cursor-list.js';
import { checkFilter, field, filterActions, formValues, listTexts, serverInvalid, type Invalid, type ListTexts } from '../../components/list-filters.js';
import { listStyles } from '../../components/list-styles.js';
import { pick } from '../../i18n.js';
import { subscribeLive } from './logs.live.js';
import { isFiltered, KINDS, LOGS_QUERY, matches, NO_FILTER, toFilter, type LogConnection, type LogFilterForm, type LogRow } from './logs.query.js';
import { logRow } from './logs.rows.js';
import { strings } from './logs.strings.js';
import { logsStyles } from './logs.styles.js';

type Texts = (typeof strings)['ru'] & ListTexts;

/**
 * `<vk-payments-logs>`: the log of VK's requests to the payment endpoint and our answers (VK's
 * "Платежи → Подключение → Логи", PROTOCOL.md §8), filterable, cursor-paged, with a live tail.
 * A row opens to show the request fields and our answer as JSON, the signature check and any warning.
 *
 * @fires vkp-error - Loading failed or the live log could not connect. `detail: { code, message }`.
 *
 * @csspart filters - The filter form.
 * @csspart table - The table of requests.
 * @csspart row - One request's row.
 * @csspart details - The opened details under a row.
 * @csspart json - A request or answer as formatted JSON.
 * @csspart warning - The warning of a row, in its details.
 * @csspart pager - The "N of M" line and the "Show more" button.
 * @csspart more - The "Show more" button.
 * @csspart live - The live switch and its state.
 * @csspart message - A quiet line (loading, not configured, empty).
 * @csspart error - Why nothing could be shown.
 * @csspart field-error - A filter value the server refused, under its input.
 *
 * @cssproperty --vkp-color-accent - Also tints rows that just arrived live.
 */
export class VkPaymentsLogs extends VkpElement {
  static override styles = [...VkpElement.styles, listStyles, logsStyles];

  /** Rows per page, 1–100 (the server's limit). */
  @property({ attribute: 'page-size', type: Number }) pageSize = 20;

  /** The filter the list shows; a new object reloads from the first page. */
  @state() private applied: LogFilterForm = NO_FILTER;
  @state() private invalid: Invalid = {};
  @state() private opened = new Set<string>();
  @state() private liveState: 'off' | 'connecting' | 'on' = 'off';
  @state() private liveError: GraphQLClientError | undefined;

  /** Rows that arrived live (tinted for a moment). */
  #fresh = new Set<string>();
  /** Ends the open subscription. */
  #stopLive: (() => void) | undefined;
  /** The session the subscription was opened with (undefined when none is wanted). */
  #liveSession: Session | undefined;

  readonly #list = new CursorList<LogRow, readonly [Session | undefined, LogFilterForm, number], LogConnection>(
    this,
    () => [this.session, this.applied, this.pageSize] as const,
    async ([session, filter, size], after, signal) => {
      if (!session) return undefined;
      const first = Math.min(100, Math.max(1, Math.trunc(size) || 20));
      try {
        const data = await session.client.request<{ notificationLogs: LogConnection }>(LOGS_QUERY, { vkAppId: session.vkAppId, filter: toFilter(filter), first, after }, signal);
        return data.notificationLogs;
      } catch (err) {
        if (!signal.aborted) {
          this.report(err); // reported once here, not on every render
          this.invalid = { ...this.invalid, ...serverInvalid(err) }; // also shown under its input
        }
        throw err;
      }
    },
  );

  get #texts(): Texts {
    return { ...listTexts(this.activeLocale), ...pick(strings, this.activeLocale) };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.liveState !== 'off' && !this.#stopLive) void this.#startLive(); // moved in the page: keep it live
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop();
  }

  override willUpdate(): void {
    // A new token or app: the socket was opened with the old one.
    if (this.liveState !== 'off' && this.#liveSession && this.session !== this.#liveSession) void this.#startLive();
  }

  override render(): TemplateResult {
    const t = this.#texts;
    if (!this.session) return this.renderNeedConfig();
    return html`<div class="head">
        <div>
          <h2>${t.title}</h2>
          <p class="muted">${t.intro}</p>
        </div>
        <div class="tools">
          <button class="secondary" @click=${() => void this.#list.task.run()}>${t.refresh}</button>
          ${this.#renderLive(t)}
        </div>
      </div>
      ${this.#renderFilters(t)}
      ${this.#list.task.render({
        initial: () => this.renderPending(),
        pending: () => (this.#list.items.length ? this.#renderTable(t, true) : this.renderPending()),
        complete: () => this.#renderTable(t, false),
        error: (err) => this.renderError(err, () => void this.#list.task.run()),
      })}`;
  }

  #renderLive(t: Texts): TemplateResult {
    const status =
      this.liveState === 'connecting' ? t.liveConnecting : this.liveState === 'on' ? t.liveOn : this.liveError ? `${t.liveFailed}: ${this.liveError.message}` : '';
    return html`<div class="live" part="live">
      <label class="check">
        <input type="checkbox" role="switch" .checked=${this.liveState !== 'off'} @change=${(e: Event) => this.#toggleLive((e.target as HTMLInputElement).checked)} />
        <span>${t.live}</span>
      </label>
      <span class="live-state ${this.liveState} ${this.liveError ? 'bad' : 'muted'}" role="status">${status}</span>
    </div>`;
  }

  #renderFilters(t: Texts): TemplateResult {
    const f = this.applied;
    const select = (name: 'type' | 'result' | 'test', label: string, options: ReadonlyArray<readonly [string, string]>) =>
      html`<label>
        ${label}
        <select name=${name} .value=${f[name]}>
          ${options.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
        </select>
      </label>`;
    return html`<form class="filters" part="filters" aria-label=${t.filters} @change=${this.#apply} @submit=${this.#apply} @reset=${this.#reset}>
      ${select('type', t.type, [['', t.allTypes], ...KINDS.map((k) => [k, k.toLowerCase()] as const)])}
      ${select('result', t.result, [['', t.allResults], ['ok', t.onlyOk], ['errors', t.onlyErrors]])}
      ${select('test', t.mode, [['', t.allModes], ['test', t.onlyTest], ['real', t.onlyReal]])}
      ${field('user', t.userId, 'text', f.user, this.invalid)} ${field('order', t.orderId, 'text', f.order, this.invalid)}
      ${field('from', this.common.from, 'date', f.from, this.invalid)} ${field('to', this.common.to, 'date', f.to, this.invalid)}
      ${filterActions(t, isFiltered(f) || Object.keys(this.invalid).length > 0)}
    </form>`;
  }

  #renderTable(t: Texts, busy: boolean): TemplateResult {
    const list = this.#list;
    const c = this.common;
    return html`<div class="table-wrap" aria-busy=${busy}>
        <table part="table">
          <thead>
            <tr>
              <th scope="col">${t.time}</th>
              <th scope="col">${t.type}</th>
              <th scope="col">${c.user}</th>
              <th scope="col">${t.order}</th>
              <th scope="col">${t.result}</th>
              <th scope="col" class="num"><abbr title=${t.durationLong}>${t.duration}</abbr></th>
            </tr>
          </thead>
          <tbody>
            ${list.items.length
              ? // Keyed: a row that arrives live must not shift the focused button (or the tint) onto another row.
                repeat(
                  list.items,
                  (row) => row.id,
                  (row) =>
                    logRow(row, {
                      t,
                      test: c.test,
                      user: c.user,
                      locale: this.activeLocale,
                      open: this.opened.has(row.id),
                      fresh: this.#fresh.has(row.id),
                      toggle: () => this.#toggle(row.id),
                    }),
                )
              : html`<tr>
                  <td colspan="6" class="muted empty" part="message">${isFiltered(this.applied) ? t.noneFiltered : t.none}</td>
                </tr>`}
          </tbody>
        </table>
      </div>
      ${moreFooter(list, { shown: t.shown, more: c.more, loading: c.loading }, () => void list.loadMore().catch((err: unknown) => this.report(err)), (err) => this.renderError(err))}`;
  }

  /** Reads the form; a valid filter replaces the applied one, which reloads from the first page. */
  #apply = (e: Event): void => {
    e.preventDefault();
    const v = formValues(e.currentTarget as HTMLFormElement);
    const next = { ...NO_FILTER, ...v } as LogFilterForm;
    this.invalid = checkFilter(next, this.#texts);
    if (Object.keys(this.invalid).length) return;
    if ((Object.keys(next) as Array<keyof LogFilterForm>).some((k) => next[k] !== this.applied[k])) {
      this.applied = next;
      this.opened = new Set();
    }
  };

  /** The form clears its own inputs (they are not re-set from state, so typing survives re-renders). */
  #reset = (): void => {
    this.invalid = {};
    this.applied = NO_FILTER;
    this.opened = new Set();
  };

  #toggle(id: string): void {
    const opened = new Set(this.opened);
    if (!opened.delete(id)) opened.add(id);
    this.opened = opened;
  }

  #toggleLive(on: boolean): void {
    if (on) void this.#startLive();
    else {
      this.#stop();
      this.liveState = 'off';
    }
  }

  async #startLive(): Promise<void> {
    this.#stop();
    const session = this.session;
    if (!session) return;
    this.#liveSession = session;
    this.liveState = 'connecting';
    this.liveError = undefined;
    let stop: () => void;
    try {
      stop = await subscribeLive(session, {
        connected: () => {
          if (this.#liveSession === session) this.liveState = 'on';
        },
        row: (row) => {
          // The server sends every row of the app; only those the filter shows belong here.
          if (this.#liveSession !== session || !matches(row, this.applied)) return;
          this.#fresh.add(row.id);
          this.#list.prepend(row);
        },
        failed: (err) => {
          if (this.#liveSession !== session) return;
          this.#stop();
          this.liveState = 'off';
          this.liveError = err;
          this.report(err);
        },
      });
    } catch (err) {
      // graphql-ws could not be loaded (a network hiccup fetching the chunk, in a bundler build).
      if (this.#liveSession !== session) return;
      this.#stop();
      this.liveState = 'off';
      this.liveError = new GraphQLClientError('NETWORK_ERROR', err instanceof Error ? err.message : String(err));
      return;
    }
    // Turned off (or restarted) while graphql-ws was loading: this subscription is not wanted.
    if (this.#liveSession === session && !this.#stopLive) this.#stopLive = stop;
    else stop();
  }

  #stop(): void {
    this.#stopLive?.();
    this.#stopLive = undefined;
    this.#liveSession = undefined;
  }
}
