/**
 * What the log and the transactions share, as a base element: a heading with tools, a filter form, and
 * a cursor-paged table (the server's Relay connections, ARCHITECTURE.md §4) with "N of M" and "Show more"
 * under it. The first page loads through `@lit/task` whenever the session, the applied filter, the
 * page size or the tab change — a new filter starts over; "Show more" appends the page after
 * `pageInfo.endCursor`, and `addLive()` adds rows that arrived live. Rows are kept by id, so a row
 * that came live and then again in a page is shown once.
 */
import { Task } from '@lit/task';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { VkpElement } from '../base/vkp-element.js';
import type { Session } from '../client/session.js';
import { pick } from '../i18n.js';
import { fieldError } from './form-errors.js';
import { checkFilter, formValues, listTexts, type Filter, type Invalid, type ListTexts } from './list-filters.js';
import { listStyles } from './list-styles.js';

export interface Connection<T> {
  edges: ReadonlyArray<{ node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** What a page is loaded for: the session, the applied filter, the page size and the open tab. */
export type ListArgs = readonly [Session | undefined, Filter, number, string | undefined];

/** A view's texts with the list's. */
export type ViewTexts<T> = T & ListTexts;

export abstract class CursorList<
  R extends { id: string },
  T extends { title: string; intro: string },
  C extends Connection<R> = Connection<R>,
> extends VkpElement {
  static override styles = [...VkpElement.styles, listStyles];
  static override properties: PropertyDeclarations = {
    pageSize: { attribute: 'page-size', type: Number },
    applied: { state: true },
    invalid: { state: true },
    loadingMore: { state: true },
  };

  /** Rows per page, 1–100 (the server's limit). */
  pageSize = 20;

  /** The filter the list shows; a new object reloads from the first page. */
  protected applied: Filter = {};
  protected invalid: Invalid = {};
  protected loadingMore = false;
  /** The open tab, in a view that has tabs. */
  protected tab?: string;

  protected items: R[] = [];
  protected total = 0;
  protected moreError: unknown;
  #cursor: string | null = null;
  #args!: ListArgs;
  #more: AbortController | undefined;

  /** The first page; `task.value` is its whole answer (for totals that come with it). */
  protected readonly task = new Task(this, {
    args: (): ListArgs => [this.session, this.applied, this.pageSize, this.tab],
    task: async (args, { signal }) => {
      this.#more?.abort(); // a page of the old filter must not land in the new list
      const page = await this.#load(args, null, signal);
      this.#args = args;
      this.items = [];
      this.moreError = undefined;
      this.#take(page);
      return page;
    },
  });

  /** The view's texts, Russian first. */
  protected abstract readonly strings: { ru: T; en: T };

  /** Loads one page of `filter` (the first when `after` is null) of `size` rows. */
  protected abstract page(
    session: Session,
    filter: Filter,
    size: number,
    after: string | null,
    signal: AbortSignal,
    tab?: string,
  ): Promise<C>;
  /** The tools on the right of the heading (a `.row.tools`), and anything under them. */
  protected abstract renderTools(t: ViewTexts<T>): unknown;
  /** The filter inputs before Apply and Reset. */
  protected abstract renderFields(t: ViewTexts<T>): unknown;
  /** The column headings; one given as `[heading]` is a number column. */
  protected abstract heads(t: ViewTexts<T>): unknown[];
  protected abstract row(row: R, t: ViewTexts<T>): TemplateResult;
  /** The line in place of rows when there are none. */
  protected abstract empty(t: ViewTexts<T>): string;

  /** Wraps the list (the transactions put totals and tabs around it). */
  protected renderBody(_t: ViewTexts<T>, list: unknown): unknown {
    return list;
  }

  get #texts(): ViewTexts<T> {
    return { ...listTexts(this.activeLocale), ...pick(this.strings, this.activeLocale) };
  }

  async #load([session, filter, size, tab]: ListArgs, after: string | null, signal: AbortSignal): Promise<C | undefined> {
    if (!session) return undefined;
    try {
      return await this.page(session, filter, Math.min(100, Math.max(1, Math.trunc(size) || 20)), after, signal, tab);
    } catch (err) {
      if (!signal.aborted) this.report(err); // reported once here, not on every render
      throw err;
    }
  }

  #take(page: C | undefined): void {
    const seen = new Set(this.items.map((i) => i.id));
    this.items = [...this.items, ...(page?.edges ?? []).map((e) => e.node).filter((n) => !seen.has(n.id))];
    // Rows that arrived live are already counted in `total`; the page's count is the newer truth.
    this.total = page?.totalCount ?? 0;
    this.#cursor = page?.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  }

  /** Appends the next page; a failure is shown under the table. */
  #loadMore = async (): Promise<void> => {
    const ctl = (this.#more = new AbortController());
    this.loadingMore = true;
    this.moreError = undefined;
    try {
      const page = await this.#load(this.#args, this.#cursor, ctl.signal);
      if (!ctl.signal.aborted) this.#take(page);
    } catch (err) {
      if (!ctl.signal.aborted) this.moreError = err;
    }
    this.loadingMore = false;
  };

  /** Puts a row that arrived live on top; false when it is already listed. */
  protected addLive(row: R): boolean {
    if (this.items.some((i) => i.id === row.id)) return false;
    this.items = [row, ...this.items];
    this.total++;
    this.requestUpdate();
    return true;
  }

  override render(): TemplateResult {
    if (!this.session) return this.renderNeedConfig();
    const t = this.#texts;
    const task = this.task;
    return html`<div class="row head">
        <div>
          <h2>${t.title}</h2>
          <p class="muted">${t.intro}</p>
        </div>
        ${this.renderTools(t)}
      </div>
      <form class="row fields" part="filters" aria-label=${t.filters} @change=${this.#apply} @submit=${this.#apply} @reset=${this.#reset}>
        ${this.renderFields(t)}
        <div class="row actions">
          <button type="submit">${t.apply}</button>
          <button type="reset" class="secondary" ?hidden=${!Object.keys({ ...this.applied, ...this.invalid }).length}>${t.reset}</button>
        </div>
      </form>
      ${this.renderBody(
        t,
        task.render({
          initial: () => this.renderPending(),
          pending: () => (this.items.length ? this.#renderTable(t, true) : this.renderPending()),
          complete: () => this.#renderTable(t, false),
          error: (err) => this.renderError(err, () => void task.run()),
        }),
      )}`;
  }

  /**
   * A labelled input and its error. The error sits outside the `<label>` (inside, it would become part
   * of the input's name). The value is not re-set on every render: what a person is typing survives a
   * list reload; it changes only with the applied filter, and a form reset clears it natively.
   */
  protected field(name: string, label: string, type = 'text'): TemplateResult {
    const id = `f-${name}`;
    const error = this.invalid[name];
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <input id=${id} name=${name} type=${type} .value=${this.applied[name] ?? ''} inputmode=${type === 'text' ? 'numeric' : nothing} autocomplete="off"
        aria-invalid=${!!error} aria-describedby=${error ? `${id}-error` : nothing} />
      ${fieldError(id, error)}
    </div>`;
  }

  #renderTable(t: ViewTexts<T>, busy: boolean): TemplateResult {
    const heads = this.heads(t);
    const fmt = (n: number): string => n.toLocaleString(this.activeLocale);
    return html`<div class="table-wrap" aria-busy=${busy}>
        <table part="table">
          <thead>
            <tr>
              ${heads.map((h) => (Array.isArray(h) ? html`<th scope="col" class="num">${h}</th>` : html`<th scope="col">${h}</th>`))}
            </tr>
          </thead>
          ${
            this.items.length
              ? // Keyed by id, each row (and its details) in a <tbody> of its own: a row that arrives live
                // goes in on top and no other row's elements change, so the focus and the tint stay put.
                repeat(
                  this.items,
                  (row) => row.id,
                  (row) => html`<tbody>${this.row(row, t)}</tbody>`,
                )
              : html`<tbody>
                <tr>
                  <td colspan=${heads.length} class="muted empty" part="message">${this.empty(t)}</td>
                </tr>
              </tbody>`
          }
        </table>
      </div>
      <div class="row pager" part="pager">
        <span class="muted" role="status">${t.shown} ${fmt(this.items.length)} ${t.of} ${fmt(this.total)}</span>
        ${
          this.#cursor
            ? html`<button class="secondary" part="more" ?disabled=${this.loadingMore} @click=${this.#loadMore}>${this.loadingMore ? this.common.loading : this.common.more}</button>`
            : nothing
        }
        ${this.moreError === undefined ? nothing : this.renderError(this.moreError)}
      </div>`;
  }

  /** Reads the form; a valid filter replaces the applied one, which reloads from the first page. */
  #apply = (e: Event): void => {
    e.preventDefault();
    const next = formValues(e.currentTarget as HTMLFormElement);
    this.invalid = checkFilter(next, this.#texts);
    if (!Object.keys(this.invalid).length && JSON.stringify(next) !== JSON.stringify(this.applied)) this.applied = next;
  };

  /** The form clears its own inputs (they are not re-set from state, so typing survives re-renders). */
  #reset = (): void => {
    this.invalid = {};
    if (Object.keys(this.applied).length) this.applied = {};
  };
}
