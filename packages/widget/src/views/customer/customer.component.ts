import { Task } from '@lit/task';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { VkpElement } from '../../base/vkp-element.js';
import type { Me } from '../../client/graphql-client.js';
import type { Session } from '../../client/session.js';
import { parseVkUserId } from '../../components/filters.js';
import { fieldError } from '../../components/form-errors.js';
import { profileUrl } from '../../components/user-link.js';
import { pick } from '../../i18n.js';
import { entry, totals } from './customer.parts.js';
import { PAGE_QUERY, RESEND, type Page, type Resent, type Totals } from './customer.query.js';
import { strings } from './customer.strings.js';
import { customerStyles } from './customer.styles.js';
import { addPages, emptyStreams, SOURCES, timeline, unread, type Source, type Streams } from './customer.timeline.js';

/** Who may resend a delivery: the server's PAYMENTS permission (resendFulfilmentDelivery). */
const mayResend = (me: Me): boolean => me.kind === 'root' || ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN'].includes(me.role ?? '');

type Resend = 'busy' | 'done' | { error: unknown };

/**
 * `<vk-payments-customer>`: one VK user of the app, for the person answering "I paid but got nothing":
 * the totals of their real payments, and one timeline, newest first, of their payments, refunds,
 * subscription changes, VK's notifications and the deliveries to the game backend, with Resend on a
 * delivery for the roles that may resend. Without `user-id` it asks for one.
 *
 * @fires vkp-open-customer - A user was searched for. `detail: { vkUserId }` (the shell keeps it when switching tabs).
 * @fires vkp-error - Loading or a resend failed. `detail: { code, message }`.
 *
 * @csspart search - The user search form.
 * @csspart customer - The user's heading and profile link.
 * @csspart profile-link - The link to the user's VK profile.
 * @csspart totals - The totals.
 * @csspart total - One total.
 * @csspart timeline - The list of what happened.
 * @csspart entry - One event of it.
 * @csspart resend - A delivery's Resend button.
 * @csspart more - The "Show more" button.
 * @csspart message - A quiet line (loading, not configured, empty).
 * @csspart error - Why nothing could be shown, or why a resend failed.
 * @csspart field-error - A user id that was refused, under its input.
 */
export class VkPaymentsCustomer extends VkpElement {
  static override styles = [...VkpElement.styles, customerStyles];
  static override properties: PropertyDeclarations = {
    userId: { attribute: 'user-id', type: Number },
    pageSize: { attribute: 'page-size', type: Number },
    badId: { state: true },
    loadingMore: { state: true },
    moreError: { state: true },
    resends: { state: true },
  };

  /** The VK user shown; unset (or not a positive id) shows the search alone. */
  userId: number | null = null;
  /** Rows of each list per page, 1–100. */
  pageSize = 20;

  private badId = false;
  private loadingMore = false;
  private moreError: unknown;
  private resends = new Map<string, Resend>();
  #streams: Streams = emptyStreams();
  #more: AbortController | undefined;

  readonly #task = new Task(this, {
    args: () => [this.session, this.#user, Math.min(100, Math.max(1, Math.trunc(this.pageSize) || 20))] as const,
    task: async ([session, user, size], { signal }) => {
      this.#more?.abort(); // a page of the previous user must not land in this one's timeline
      if (!session || user === null) return undefined;
      const all = Object.fromEntries(SOURCES.map((s) => [s, null])) as Record<Source, null>;
      const [page, me] = await this.#guard(signal, () => Promise.all([this.#page(session, user, size, all, signal), session.client.me()]));
      this.#streams = addPages(emptyStreams(), page);
      this.moreError = undefined;
      this.resends = new Map();
      return { totals: page.totals!, mayResend: mayResend(me), size };
    },
  });

  get #user(): number | null {
    const id = this.userId;
    return id !== null && Number.isInteger(id) && id > 0 && id < 2 ** 31 ? id : null;
  }

  /** Reports a failure once (not on every render) unless it was aborted on purpose. */
  async #guard<T>(signal: AbortSignal, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (!signal.aborted) this.report(err);
      throw err;
    }
  }

  /** The totals (with no cursor given) and a page of each list in `cursors`, read on after its cursor. */
  async #page(
    session: Session,
    vkUserId: number,
    first: number,
    cursors: Partial<Record<Source, string | null>>,
    signal: AbortSignal,
  ): Promise<Page> {
    const has = (s: Source): boolean => s in cursors;
    const vars = {
      vkAppId: session.vkAppId,
      vkUserId,
      first,
      withTotals: SOURCES.every((s) => cursors[s] === null),
      ...{ o: has('orders'), s: has('subscriptions'), n: has('notifications'), d: has('deliveries') },
      ...{ oa: cursors.orders, sa: cursors.subscriptions, na: cursors.notifications, da: cursors.deliveries },
    };
    return (await session.client.request<{ customer: Page }>(PAGE_QUERY, vars, signal)).customer;
  }

  #loadMore = async (size: number): Promise<void> => {
    const ctl = (this.#more = new AbortController());
    this.loadingMore = true;
    this.moreError = undefined;
    try {
      const cursors = Object.fromEntries(unread(this.#streams).map((s) => [s, this.#streams[s].cursor]));
      const page = await this.#page(this.session!, this.#user!, size, cursors, ctl.signal);
      if (!ctl.signal.aborted) this.#streams = addPages(this.#streams, page);
    } catch (err) {
      if (!ctl.signal.aborted) this.moreError = this.report(err);
    }
    this.loadingMore = false;
  };

  #resend = async (id: string): Promise<void> => {
    this.resends = new Map(this.resends).set(id, 'busy');
    let state: Resend;
    try {
      const { resendFulfilmentDelivery: r } = await this.session!.client.request<{ resendFulfilmentDelivery: Resent }>(RESEND, { id });
      const rows = this.#streams.deliveries.rows.map((d) => (d.id === r.id ? { ...d, ...r } : d));
      this.#streams = { ...this.#streams, deliveries: { ...this.#streams.deliveries, rows } };
      state = 'done';
    } catch (err) {
      state = { error: this.report(err) };
    }
    this.resends = new Map(this.resends).set(id, state);
  };

  #search = (e: Event): void => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('user') as HTMLInputElement;
    const id = parseVkUserId(input.value);
    this.badId = id === null;
    if (id === null) return;
    this.userId = id;
    this.emit('vkp-open-customer', { vkUserId: id });
  };

  override render(): TemplateResult {
    if (!this.session) return this.renderNeedConfig();
    const t = pick(strings, this.activeLocale);
    const user = this.#user;
    return html`<div class="head">
        <h2>${t.title}</h2>
        <p class="muted">${t.intro}</p>
      </div>
      <form class="row search" part="search" role="search" aria-label=${t.search} @submit=${this.#search}>
        <div class="field">
          <label for="user">${t.userField}</label>
          <input id="user" name="user" autocomplete="off" .value=${user === null ? '' : String(user)} aria-invalid=${this.badId}
            aria-describedby=${this.badId ? 'user-error' : nothing} />
          ${fieldError('user', this.badId ? t.badId : undefined)}
        </div>
        <button type="submit">${t.open}</button>
      </form>
      ${
        user === null
          ? html`<p class="muted" part="message">${t.choose}</p>`
          : html`<div class="who" part="customer">
                <h3>${t.user(user)}</h3>
                <a part="profile-link" href=${profileUrl(user)} target="_blank" rel="noopener noreferrer">${t.profile} ↗</a>
              </div>
              ${this.#task.render({
                pending: () => this.renderPending(),
                complete: (loaded) => (loaded ? this.#renderLoaded(t, loaded) : nothing),
                error: (err) => this.renderError(err, () => void this.#task.run()),
              })}`
      }`;
  }

  #renderLoaded(
    t: (typeof strings)['ru'],
    { totals: sums, mayResend, size }: { totals: Totals; mayResend: boolean; size: number },
  ): TemplateResult {
    const c = this.common;
    const locale = this.activeLocale;
    const shown = timeline(this.#streams);
    const more = unread(this.#streams).length > 0;
    const resend = (id: string): unknown => {
      if (!mayResend) return nothing;
      const state = this.resends.get(id);
      return html`<button class="secondary small" part="resend" ?disabled=${state === 'busy'} @click=${() => void this.#resend(id)}>
          ${state === 'busy' ? t.resending : t.resend}</button
        >${state === 'done' ? html` <span class="ok" role="status">${t.resent}</span>` : nothing}
        ${typeof state === 'object' ? this.renderError(state.error, undefined, t.resendFailed) : nothing}`;
    };
    return html`${totals(sums, t, c, locale)}
      <h3 class="visually-hidden">${t.timeline}</h3>
      ${
        shown.length
          ? html`<ol class="timeline" part="timeline" aria-label=${t.timeline}>
              ${repeat(
                shown,
                (e) => e.key,
                (e) => entry(e, { t, c, locale, resend }),
              )}
            </ol>`
          : more
            ? nothing
            : html`<p class="muted" part="message">${t.empty}</p>`
      }
      <div class="row pager">
        ${
          more
            ? html`<button class="secondary" part="more" ?disabled=${this.loadingMore} @click=${() => void this.#loadMore(size)}>
                ${this.loadingMore ? c.loading : c.more}
              </button>`
            : nothing
        }
        ${this.moreError === undefined ? nothing : this.renderError(this.moreError)}
      </div>`;
  }
}
