import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { VkpElement } from '../../base/vkp-element.js';
import { GraphQLClientError } from '../../client/graphql-client.js';
import type { Session } from '../../client/session.js';
import { CursorList, moreFooter } from '../../components/cursor-list.js';
import { download, exportUrl } from '../../components/download.js';
import { checkFilter, field, filterActions, formValues, listTexts, serverInvalid, type Invalid, type ListTexts } from '../../components/list-filters.js';
import { listStyles } from '../../components/list-styles.js';
import { pick } from '../../i18n.js';
import { baseFilter, exportParams, FIRST_QUERY, isFiltered, MORE_QUERY, NO_FILTER, tabFilter, type Summary, type Tab, type TxConnection, type TxFilterForm, type TxRow } from './transactions.query.js';
import { totals, txRow } from './transactions.rows.js';
import { strings } from './transactions.strings.js';
import { transactionsStyles } from './transactions.styles.js';

type Texts = (typeof strings)['ru'] & ListTexts;
const TABS: readonly Tab[] = ['credits', 'refunds'];

/**
 * `<vk-payments-transactions>`: the app's payments as VK's "Платежи → Транзакции" shows them — tabs
 * Credits (every payment) and Deductions (refunds), totals of both and the net, filters by user,
 * period and test mode, cursor paging, and the same list as a CSV file.
 *
 * @fires vkp-error - Loading or the CSV download failed. `detail: { code, message }`.
 *
 * @csspart totals - The totals above the tabs.
 * @csspart total - One total (credited, deducted, net).
 * @csspart tabs - The row of tabs.
 * @csspart tab - One tab; the open one also has `tab-selected`.
 * @csspart filters - The filter form.
 * @csspart table - The table of payments.
 * @csspart row - One payment's row.
 * @csspart status - A payment's status badge.
 * @csspart pager - The "N of M" line and the "Show more" button.
 * @csspart more - The "Show more" button.
 * @csspart csv - The CSV download button.
 * @csspart message - A quiet line (loading, not configured, empty).
 * @csspart error - Why nothing could be shown, or why the download failed.
 * @csspart field-error - A filter value that was refused, under its input.
 */
export class VkPaymentsTransactions extends VkpElement {
  static override styles = [...VkpElement.styles, listStyles, transactionsStyles];

  /** Rows per page, 1–100 (the server's limit). */
  @property({ attribute: 'page-size', type: Number }) pageSize = 20;

  @state() private tab: Tab = 'credits';
  @state() private applied: TxFilterForm = NO_FILTER;
  @state() private invalid: Invalid = {};
  @state() private downloading = false;
  @state() private csvError: unknown;

  readonly #list = new CursorList<TxRow, readonly [Session | undefined, Tab, TxFilterForm, number], TxConnection>(
    this,
    () => [this.session, this.tab, this.applied, this.pageSize] as const,
    async ([session, tab, filter, size], after, signal) => {
      if (!session) return undefined;
      const first = Math.min(100, Math.max(1, Math.trunc(size) || 20));
      const vars = { vkAppId: session.vkAppId, filter: tabFilter(tab, filter), first };
      try {
        if (after) {
          return (await session.client.request<{ transactions: TxConnection }>(MORE_QUERY, { ...vars, after }, signal)).transactions;
        }
        const data = await session.client.request<{ transactions: TxConnection; totals: { summary: Summary } }>(FIRST_QUERY, { ...vars, all: baseFilter(filter) }, signal);
        return { ...data.transactions, summary: data.totals.summary };
      } catch (err) {
        if (!signal.aborted) {
          this.report(err); // once here, not on every render
          this.invalid = { ...this.invalid, ...serverInvalid(err) }; // also shown under its input
        }
        throw err;
      }
    },
  );

  override render(): TemplateResult {
    const t: Texts = { ...listTexts(this.activeLocale), ...pick(strings, this.activeLocale) };
    if (!this.session) return this.renderNeedConfig();
    const summary = this.#list.task.value?.summary;
    return html`<div class="head">
        <div>
          <h2>${t.title}</h2>
          <p class="muted">${t.intro}</p>
        </div>
        <div class="tools">
          <button class="secondary" part="csv" ?disabled=${this.downloading} @click=${this.#downloadCsv}>${this.downloading ? t.downloading : this.common.downloadCsv}</button>
        </div>
        ${this.csvError === undefined ? nothing : html`<div class="csv-error">${this.#csvFailure(t)}</div>`}
      </div>
      ${this.#renderFilters(t)} ${summary ? totals(summary, t, this.common) : nothing}
      <div class="tabs" part="tabs" role="tablist" aria-label=${t.tabs} @keydown=${this.#onTabKey}>
        ${TABS.map((tab) => {
          const selected = tab === this.tab;
          const count = tab === 'credits' ? summary?.credits.count : summary?.refunds.count;
          return html`<button role="tab" id="tab-${tab}" part="tab ${selected ? 'tab-selected' : ''}" aria-selected=${selected} aria-controls="panel" tabindex=${selected ? 0 : -1} @click=${() => this.#open(tab)}>
            ${t[tab]}${count === undefined ? nothing : html` <span class="count">${count.toLocaleString(this.activeLocale)}</span>`}
          </button>`;
        })}
      </div>
      <div id="panel" role="tabpanel" aria-labelledby="tab-${this.tab}">
        ${this.#list.task.render({
          initial: () => this.renderPending(),
          pending: () => (this.#list.items.length ? this.#renderTable(t, true) : this.renderPending()),
          complete: () => this.#renderTable(t, false),
          error: (err) => this.renderError(err, () => void this.#list.task.run()),
        })}
      </div>`;
  }

  #renderFilters(t: Texts): TemplateResult {
    const f = this.applied;
    return html`<form class="filters" part="filters" aria-label=${t.filters} @change=${this.#apply} @submit=${this.#apply} @reset=${this.#reset}>
      ${field('user', t.userId, 'text', f.user, this.invalid)} ${field('from', this.common.from, 'date', f.from, this.invalid)}
      ${field('to', this.common.to, 'date', f.to, this.invalid)}
      <label class="check"><input type="checkbox" name="test" .checked=${f.test} />${t.includeTest}</label>
      ${filterActions(t, isFiltered(f) || Object.keys(this.invalid).length > 0)}
    </form>`;
  }

  #renderTable(t: Texts, busy: boolean): TemplateResult {
    const list = this.#list;
    const c = this.common;
    const ctx = { t, c, locale: this.activeLocale, tab: this.tab };
    const empty = isFiltered(this.applied) ? t.noneFiltered : this.tab === 'refunds' ? t.noneRefunds : t.noneCredits;
    return html`<div class="table-wrap" aria-busy=${busy}>
        <table part="table">
          <thead>
            <tr>
              <th scope="col">${t.time}</th>
              <th scope="col">${c.user}</th>
              <th scope="col">${t.item}</th>
              <th scope="col" class="num">${t.votes}</th>
              <th scope="col">${t.status}</th>
              <th scope="col" class="num">${t.appOrder}</th>
              <th scope="col" class="num">${t.vkOrder}</th>
            </tr>
          </thead>
          <tbody>
            ${list.items.length
              ? list.items.map((row) => txRow(row, ctx))
              : html`<tr>
                  <td colspan="7" class="muted empty" part="message">${empty}</td>
                </tr>`}
          </tbody>
        </table>
      </div>
      ${moreFooter(list, { shown: t.shown, more: c.more, loading: c.loading }, () => void list.loadMore().catch((err: unknown) => this.report(err)), (err) => this.renderError(err))}`;
  }

  #csvFailure(t: Texts): TemplateResult {
    const err = this.csvError;
    const code = err instanceof GraphQLClientError ? err.code : undefined;
    const why = code === 'FORBIDDEN' ? this.common.forbiddenHint : code === 'UNAUTHENTICATED' ? this.common.unauthenticatedHint : err instanceof Error ? err.message : String(err);
    return html`<p class="notice error" part="error" role="alert"><strong>${t.csvFailed}.</strong> ${why}</p>`;
  }

  #downloadCsv = async (): Promise<void> => {
    const session = this.session;
    if (!session || this.downloading) return;
    this.downloading = true;
    this.csvError = undefined;
    try {
      const url = exportUrl(session.client.endpoint, '/export/transactions.csv', exportParams(session.vkAppId, this.tab, this.applied));
      await download(session.client, url, 'transactions.csv', this.renderRoot);
    } catch (err) {
      this.csvError = err;
      this.report(err);
    } finally {
      this.downloading = false;
    }
  };

  /** Reads the form; a valid filter replaces the applied one, which reloads from the first page. */
  #apply = (e: Event): void => {
    e.preventDefault();
    const v = formValues(e.currentTarget as HTMLFormElement);
    const next: TxFilterForm = { user: v.user ?? '', from: v.from ?? '', to: v.to ?? '', test: 'test' in v };
    this.invalid = checkFilter(next, listTexts(this.activeLocale));
    const a = this.applied;
    if (!Object.keys(this.invalid).length && (next.user !== a.user || next.from !== a.from || next.to !== a.to || next.test !== a.test)) this.applied = next;
  };

  /** The form clears its own inputs (they are not re-set from state, so typing survives re-renders). */
  #reset = (): void => {
    this.invalid = {};
    this.applied = NO_FILTER;
  };

  #open(tab: Tab): void {
    if (tab !== this.tab) this.tab = tab;
  }

  /** Arrow keys, Home and End move between the tabs (the WAI-ARIA tabs pattern). */
  #onTabKey = (e: KeyboardEvent): void => {
    const at = TABS.indexOf(this.tab);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    const next = step ? TABS[(at + step + TABS.length) % TABS.length] : e.key === 'Home' ? TABS[0] : e.key === 'End' ? TABS.at(-1) : undefined;
    if (!next) return;
    e.preventDefault();
    this.#open(next);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${next}`)?.focus());
  };
}
