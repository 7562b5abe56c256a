import { Task } from '@lit/task';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { VkpElement } from '../base/vkp-element.js';
import type { Me } from '../client/graphql-client.js';
import type { Session } from '../client/session.js';
import { tabs } from '../components/tabs.js';
import { pick, toLocale, type Locale } from '../i18n.js';
import { isLazyTag, loadView } from '../lazy-views.js';
import { strings } from './admin.strings.js';
import { adminStyles } from './admin.styles.js';
import { ALERTS, alertsBanner, type AppAlert } from './admin.alerts.js';
import type { AdminAlertsQuery } from '../generated/operations.js';
// The default tab is part of the entry module; the others are fetched when their tab first opens.
import '../views/settings/settings.js';

export const VIEWS = ['settings', 'logs', 'transactions', 'deliveries', 'customer', 'stats', 'moderation'] as const;
export type View = (typeof VIEWS)[number];

/** Which views a role may open (ARCHITECTURE.md §5): a moderator only reviews applications. */
function viewsFor(me: Me | undefined): readonly View[] {
  if (!me || me.kind === 'root') return VIEWS;
  if (me.role === 'MODERATOR') return ['moderation'];
  if (me.role === 'VIEWER') return [];
  return VIEWS;
}

/**
 * `<vk-payments-admin>`: VK's "Payments" section for one app — settings, logs, transactions, the
 * deliveries to the game backend, stats and the votes-payments application — as tabs over one shared GraphQL client. Each tab is also an
 * element of its own (`<vk-payments-settings>`…).
 *
 * @fires vkp-view-change - The open tab changed. `detail: { view }`.
 * @fires vkp-open-customer - Passed on from a view: a user id was clicked. The shell has already opened
 *   its Customer tab with that user; the event goes on bubbling for a host that wants to know.
 * @fires vkp-error - A request failed. `detail: { code, message }` (`code` as the server's `extensions.code`).
 * @fires vkp-saved - A change was saved. `detail: { what }`.
 *
 * @csspart base - The frame around everything.
 * @csspart header - The app's name.
 * @csspart tabs - The row of tabs.
 * @csspart tab - One tab; the open one also has `tab-selected`.
 * @csspart alerts - The banner above the tabs: what needs attention in the app now (absent when nothing does).
 * @csspart alert - One line of it.
 * @csspart panel - The open view.
 * @csspart message - A quiet line (loading, not configured).
 * @csspart error - Why nothing could be shown.
 */
export class VkPaymentsAdmin extends VkpElement {
  static override styles = [...VkpElement.styles, adminStyles];
  static override properties: PropertyDeclarations = {
    view: { reflect: true },
    customerId: { state: true },
  };

  /** The open tab: settings (default), logs, transactions, deliveries, customer, stats or moderation. */
  view: View = 'settings';

  /** The user the Customer tab shows (the last one opened from a view or searched for). */
  private customerId: number | null = null;

  readonly #me = new Task(this, {
    args: () => [this.session] as const,
    task: async ([session]) => {
      if (!session) return undefined;
      const [{ app }, me] = await Promise.all([
        session.client.request<{ app: { name: string; vkAppId: number } }>('query($id:Int!){app(vkAppId:$id){name vkAppId}}', {
          id: session.vkAppId,
        }),
        session.client.me(),
      ]);
      return { app, me };
    },
  });

  /**
   * The banner's alerts, asked again each time a tab opens. Only for the roles that read the log and the
   * deliveries it counts; a failure leaves the banner out: the open view reports its own errors.
   */
  readonly #alerts = new Task(this, {
    args: () => [this.session, this.#me.value?.me, this.view] as const,
    task: async ([session, me]): Promise<readonly AppAlert[]> => {
      if (!session || !me || !viewsFor(me).includes('logs')) return [];
      try {
        return (await session.client.request<AdminAlertsQuery>(ALERTS, { id: session.vkAppId })).alerts;
      } catch {
        return [];
      }
    },
  });

  /** Why the open tab's chunk could not be fetched (a retry clears it). */
  #chunkFailed: { tag: string; err: unknown } | undefined;

  /** The shell always works from its own attributes; it is the one that provides the session. */
  protected override get session(): Session | undefined {
    return this.ownSession();
  }

  override get activeLocale(): Locale {
    return toLocale(this.locale);
  }

  override render(): TemplateResult {
    const t = pick(strings, this.activeLocale);
    return html`<div part="base" lang=${this.activeLocale}>
      ${
        this.session
          ? this.#me.render({
              pending: () => this.renderPending(),
              complete: (loaded) => (loaded ? this.#renderLoaded(loaded.app, loaded.me, t) : this.renderNeedConfig()),
              error: (err) => this.renderError(this.report(err), () => void this.#me.run()),
            })
          : this.renderNeedConfig()
      }
    </div>`;
  }

  #renderLoaded(app: { name: string; vkAppId: number }, me: Me, t: (typeof strings)['ru']): TemplateResult {
    const views = viewsFor(me);
    const open = views.includes(this.view) ? this.view : views[0];
    return html`<header part="header">
        <h2>${app.name}</h2>
        <span class="muted">${t.vkApp} ${app.vkAppId}</span>
      </header>
      ${
        open === undefined
          ? html`<div class="notice error" part="error" role="alert"><strong>${this.common.forbiddenTitle}</strong><p>${t.viewerRole}</p></div>`
          : html`${alertsBanner(this.#alerts.value, this.activeLocale)}${tabs(
              views,
              open,
              t.sections,
              (v) => t.views[v],
              (v) => this.#open(v),
            )}
            <section id="panel" part="panel" role="tabpanel" aria-labelledby="tab-${open}" @vkp-open-customer=${this.#openCustomer}>
              ${this.#renderView(open)}
            </section>`
      }`;
  }

  #renderView(view: View): TemplateResult | typeof nothing {
    const tag = `vk-payments-${view}`;
    if (isLazyTag(tag) && !customElements.get(tag)) {
      const failed = this.#chunkFailed;
      if (failed?.tag === tag) return this.renderError(failed.err, () => this.#retryChunk());
      loadView(tag).then(
        () => this.requestUpdate(),
        (err: unknown) => {
          this.#chunkFailed = { tag, err };
          this.requestUpdate();
        },
      );
      return this.renderPending();
    }
    const theme = this.theme ?? nothing;
    // The views share the shell's session (one client, one token); they never build a second one.
    const session = this.session;
    switch (view) {
      case 'settings':
        return html`<vk-payments-settings theme=${theme} .sharedSession=${session}></vk-payments-settings>`;
      case 'logs':
        return html`<vk-payments-logs theme=${theme} .sharedSession=${session}></vk-payments-logs>`;
      case 'transactions':
        return html`<vk-payments-transactions theme=${theme} .sharedSession=${session}></vk-payments-transactions>`;
      case 'deliveries':
        return html`<vk-payments-deliveries theme=${theme} .sharedSession=${session}></vk-payments-deliveries>`;
      case 'customer':
        return html`<vk-payments-customer theme=${theme} .sharedSession=${session} .userId=${this.customerId}></vk-payments-customer>`;
      case 'stats':
        return html`<vk-payments-stats theme=${theme} .sharedSession=${session}></vk-payments-stats>`;
      case 'moderation':
        return html`<vk-payments-moderation theme=${theme} .sharedSession=${session}></vk-payments-moderation>`;
    }
  }

  #retryChunk(): void {
    this.#chunkFailed = undefined;
    this.requestUpdate();
  }

  /** A user id clicked in a view (components/user-link.ts), or searched for in the Customer tab: show that customer. */
  #openCustomer = (e: CustomEvent<{ vkUserId: number }>): void => {
    this.customerId = e.detail.vkUserId;
    this.#open('customer');
  };

  #open(view: View): void {
    if (view === this.view) return;
    this.view = view;
    this.emit('vkp-view-change', { view });
  }
}
