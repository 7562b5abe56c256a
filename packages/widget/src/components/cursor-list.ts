/**
 * A cursor-paged list (the server's Relay connections, DESIGN.md §6) as a reactive controller over
 * `@lit/task`: the first page loads whenever the args change — a new filter starts over — `loadMore()`
 * appends the next page after `pageInfo.endCursor`, and `prepend()` adds rows that arrived live.
 * Rows are kept by id, so a row that came live and then again in a page is shown once.
 */
import { Task } from '@lit/task';
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';

export interface Connection<T> {
  edges: ReadonlyArray<{ node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** Loads one page: the first when `after` is null. Undefined means "nothing to load" (not configured). */
export type PageLoader<A, C> = (args: A, after: string | null, signal: AbortSignal) => Promise<C | undefined>;

export class CursorList<T extends { id: string }, A extends readonly unknown[], C extends Connection<T> = Connection<T>> {
  /** The first page; `task.value` is its whole answer (for totals that come with it). */
  readonly task: Task<A, C | undefined>;
  items: T[] = [];
  total = 0;
  hasNext = false;
  loadingMore = false;
  moreError: unknown;
  #cursor: string | null = null;
  #args: A | undefined;
  #more: AbortController | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    args: () => A,
    private readonly load: PageLoader<A, C>,
  ) {
    this.task = new Task(host, {
      args,
      task: async (a, { signal }) => {
        this.#more?.abort(); // a page of the old filter must not land in the new list
        const page = await load(a, null, signal);
        this.#args = a;
        this.items = [];
        this.moreError = undefined;
        this.#take(page);
        return page;
      },
    });
  }

  #take(page: C | undefined): void {
    const seen = new Set(this.items.map((i) => i.id));
    this.items = [...this.items, ...(page?.edges ?? []).map((e) => e.node).filter((n) => !seen.has(n.id))];
    this.total = page?.totalCount ?? 0;
    this.hasNext = page?.pageInfo.hasNextPage ?? false;
    this.#cursor = page?.pageInfo.endCursor ?? null;
  }

  /** Appends the next page; a failure is kept in `moreError` (shown by the footer) and rethrown for reporting. */
  async loadMore(): Promise<void> {
    if (this.loadingMore || !this.hasNext || !this.#args) return;
    const ctl = (this.#more = new AbortController());
    this.loadingMore = true;
    this.moreError = undefined;
    this.host.requestUpdate();
    try {
      const page = await this.load(this.#args, this.#cursor, ctl.signal);
      if (!ctl.signal.aborted) {
        // Rows that arrived live are already counted in `total`; the page's count is the newer truth.
        this.#take(page);
      }
    } catch (err) {
      if (ctl.signal.aborted) return;
      this.moreError = err;
      throw err;
    } finally {
      if (this.#more === ctl) this.#more = undefined;
      this.loadingMore = false;
      this.host.requestUpdate();
    }
  }

  /** Puts a row that arrived live on top; false when it is already listed. */
  prepend(item: T): boolean {
    if (this.items.some((i) => i.id === item.id)) return false;
    this.items = [item, ...this.items];
    this.total++;
    this.host.requestUpdate();
    return true;
  }
}

export interface MoreTexts {
  /** "Shown 20 of 135". */
  shown: (shown: number, total: number) => string;
  more: string;
  loading: string;
}

/** The footer under a paged table: how many of how many, and "Show more" while there is more. */
export function moreFooter(
  list: Pick<CursorList<{ id: string }, []>, 'items' | 'total' | 'hasNext' | 'loadingMore' | 'moreError'>,
  t: MoreTexts,
  onMore: () => void,
  error: (err: unknown) => TemplateResult,
): TemplateResult {
  return html`<div class="pager" part="pager">
    <span class="muted" role="status">${t.shown(list.items.length, list.total)}</span>
    ${list.hasNext
      ? html`<button class="secondary" part="more" ?disabled=${list.loadingMore} @click=${onMore}>${list.loadingMore ? t.loading : t.more}</button>`
      : nothing}
    ${list.moreError === undefined ? nothing : error(list.moreError)}
  </div>`;
}
