import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { Session } from '../../client/session.js';
import { CursorList, type ViewTexts } from '../../components/cursor-list.js';
import { userLinkStyles } from '../../components/user-link.js';
import { download, exportUrl } from '../../components/download.js';
import type { Filter } from '../../components/list-filters.js';
import { tabs } from '../../components/tabs.js';
import { FIRST_QUERY, MORE_QUERY, txFilter, type Summary, type TxConnection, type TxRow } from './transactions.query.js';
import { totals, txRow } from './transactions.rows.js';
import { strings } from './transactions.strings.js';
import { transactionsStyles } from './transactions.styles.js';

type Texts = ViewTexts<(typeof strings)['ru']>;
type Tab = 'credits' | 'refunds';
const TABS: Tab[] = ['credits', 'refunds'];

/**
 * `<vk-payments-transactions>`: the app's payments as VK's "Платежи → Транзакции" shows them — tabs
 * Credits (every payment) and Deductions (refunds), totals of both and the net, filters by user,
 * period and test mode, cursor paging, and the same list as a CSV file.
 *
 * @fires vkp-open-customer - A user id was clicked: open that customer (components/user-link.ts). `detail: { vkUserId }`. Bubbles and is composed; `<vk-payments-admin>` opens its Customer tab.
 * @fires vkp-error - Loading or the CSV download failed. `detail: { code, message }`.
 *
 * @csspart totals - The totals above the tabs.
 * @csspart total - One total (credited, deducted, net).
 * @csspart tabs - The row of tabs.
 * @csspart tab - One tab; the open one also has `tab-selected`.
 * @csspart filters - The filter form.
 * @csspart table - The table of payments.
 * @csspart user-link - A user id: opens the customer.
 * @csspart profile-link - The small link to the user's VK profile.
 * @csspart row - One payment's row.
 * @csspart status - A payment's status badge.
 * @csspart pager - The "N of M" line and the "Show more" button.
 * @csspart more - The "Show more" button.
 * @csspart csv - The CSV download button.
 * @csspart message - A quiet line (loading, not configured, empty).
 * @csspart error - Why nothing could be shown, or why the download failed.
 * @csspart field-error - A filter value that was refused, under its input.
 */
export class VkPaymentsTransactions extends CursorList<TxRow, (typeof strings)['ru'], TxConnection> {
  static override styles = [...CursorList.styles, userLinkStyles, transactionsStyles];
  static override properties: PropertyDeclarations = {
    tab: { state: true },
    downloading: { state: true },
    csvError: { state: true },
  };

  protected readonly strings = strings;
  protected override tab: Tab = 'credits';
  private downloading = false;
  private csvError: unknown;

  protected async page(
    session: Session,
    filter: Filter,
    first: number,
    after: string | null,
    signal: AbortSignal,
    tab?: string,
  ): Promise<TxConnection> {
    const vars = { vkAppId: session.vkAppId, filter: txFilter(filter, tab), first, after };
    if (after) return (await session.client.request<{ transactions: TxConnection }>(MORE_QUERY, vars, signal)).transactions;
    const data = await session.client.request<{ transactions: TxConnection; totals: { summary: Summary } }>(
      FIRST_QUERY,
      { ...vars, all: txFilter(filter) },
      signal,
    );
    return { ...data.transactions, summary: data.totals.summary };
  }

  /** The CSV button, and why a download failed. */
  protected renderTools(): TemplateResult {
    const c = this.common;
    return html`<div class="row tools">
        <button class="secondary" part="csv" ?disabled=${this.downloading} @click=${this.#downloadCsv}>${this.downloading ? c.downloading : c.downloadCsv}</button>
      </div>
      ${this.csvError === undefined ? nothing : this.renderError(this.csvError, undefined, c.csvFailed)}`;
  }

  protected renderFields(t: Texts): unknown {
    return [
      this.field('user', t.userId),
      this.field('from', this.common.from, 'date'),
      this.field('to', this.common.to, 'date'),
      html`<label class="check"><input type="checkbox" name="test" .checked=${!!this.applied.test} />${t.includeTest}</label>`,
    ];
  }

  protected override renderBody(t: Texts, list: unknown): unknown {
    const summary = this.task.value?.summary;
    return html`${summary ? totals(summary, t, this.common) : nothing}
      ${tabs(
        TABS,
        this.tab,
        t.tabs,
        (tab) =>
          html`${t[tab]}${summary ? html` <span class="count">${summary[tab].count.toLocaleString(this.activeLocale)}</span>` : nothing}`,
        (tab) => (this.tab = tab),
      )}
      <div id="panel" role="tabpanel" aria-labelledby="tab-${this.tab}">${list}</div>`;
  }

  protected heads(t: Texts): unknown[] {
    return [t.time, this.common.user, t.item, [t.votes], t.status, [t.appOrder], [t.vkOrder]];
  }

  protected row(row: TxRow, t: Texts): TemplateResult {
    return txRow(row, t, this.common, this.activeLocale, this.tab === 'refunds');
  }

  protected empty(t: Texts): string {
    return Object.keys(this.applied).length ? t.noneFiltered : this.tab === 'refunds' ? t.noneRefunds : t.noneCredits;
  }

  #downloadCsv = async (): Promise<void> => {
    const session = this.session!; // the button is there only with a session
    this.downloading = true;
    this.csvError = undefined;
    try {
      const url = exportUrl(session.client.endpoint, '/export/transactions.csv', {
        vkAppId: session.vkAppId,
        ...txFilter(this.applied, this.tab),
      });
      await download(session.client, url, 'transactions.csv', this.renderRoot);
    } catch (err) {
      this.csvError = this.report(err);
    }
    this.downloading = false;
  };
}
