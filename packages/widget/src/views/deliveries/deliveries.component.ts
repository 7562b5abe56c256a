import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { Session } from '../../client/session.js';
import { CursorList, type ViewTexts } from '../../components/cursor-list.js';
import { describeError } from '../../components/form-errors.js';
import type { Filter } from '../../components/list-filters.js';
import { customerLinkStyles } from '../../components/open-customer.js';
import type {
  DeliveriesFirstQuery,
  DeliveriesMoreQuery,
  DeliveriesResendFailedMutation,
  DeliveriesResendMutation,
} from '../../generated/operations.js';
import { deliveryVars, EVENTS, FIRST_QUERY, MORE_QUERY, RESEND, RESEND_FAILED, STATUSES } from './deliveries.query.js';
import type { DeliveryConnection, DeliveryRow } from './deliveries.query.js';
import { deliveryRow, type Progress } from './deliveries.rows.js';
import { strings, type DeliveriesStrings } from './deliveries.strings.js';
import { deliveriesStyles } from './deliveries.styles.js';

type Texts = ViewTexts<DeliveriesStrings>;

/**
 * `<vk-payments-deliveries>`: the events sent to the app's game backend (fulfilment webhooks, README
 * "Fulfilment") with every attempt, filterable by status and event, cursor-paged; resend one, or every
 * failed one after a confirmation. Above the list, the webhook's settings
 * (`<vk-payments-fulfilment-endpoint>`): editable by CREATOR and ADMIN, read-only for PAYMENTS_ADMIN.
 * A user id opens that user's Customer view (`vkp-open-customer`).
 *
 * @fires vkp-error - Loading or a resend failed. `detail: { code, message }`.
 * @fires vkp-open-customer - A user id was chosen. `detail: { vkUserId }`.
 * @fires vkp-saved - The webhook was saved or its secret rotated. `detail: { what: 'fulfilment' | 'secret' }`.
 *
 * @csspart filters - The filter form.
 * @csspart table - The table of deliveries.
 * @csspart row - One delivery's row.
 * @csspart status - A delivery's status badge.
 * @csspart resend - A row's "Resend" button.
 * @csspart details - The opened attempt log under a row.
 * @csspart attempt - One attempt in it.
 * @csspart answer - The start of the game backend's answer to an attempt.
 * @csspart resend-all - The "Resend all failed" button and its confirmation.
 * @csspart pager - The "N of M" line and the "Show more" button.
 * @csspart message - A quiet line (loading, not configured, empty).
 * @csspart error - Why nothing could be shown.
 */
export class VkPaymentsDeliveries extends CursorList<DeliveryRow, DeliveriesStrings, DeliveryConnection> {
  static override styles = [...CursorList.styles, customerLinkStyles, deliveriesStyles];
  static override properties: PropertyDeclarations = {
    opened: { state: true },
    resends: { state: true },
    confirming: { state: true },
    resendAll: { state: true },
  };

  protected readonly strings = strings;
  private opened = new Set<string>();
  /** Each row's resend: running, done, or why it failed. */
  private resends = new Map<string, Progress>();
  private confirming = false;
  /** "Resend all failed": running, what it did, or why it failed. */
  private resendAll: 'busy' | { resent: number; remaining: number } | Error | undefined;

  protected async page(
    session: Session,
    filter: Filter,
    first: number,
    after: string | null,
    signal: AbortSignal,
  ): Promise<DeliveryConnection> {
    const vars = { vkAppId: session.vkAppId, ...deliveryVars(filter), first, after };
    if (after) return (await session.client.request<DeliveriesMoreQuery>(MORE_QUERY, vars, signal)).fulfilmentDeliveries;
    const data = await session.client.request<DeliveriesFirstQuery>(FIRST_QUERY, vars, signal);
    return { ...data.fulfilmentDeliveries, failed: data.failed.totalCount };
  }

  override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (changed.has('applied')) {
      this.opened = new Set();
      this.resends = new Map();
      this.confirming = false;
      this.resendAll = undefined;
    }
  }

  protected renderTools(t: Texts): TemplateResult {
    const failed = this.task.value?.failed ?? 0;
    const all = this.resendAll;
    return html`<div class="row tools">
        <button class="secondary" @click=${() => void this.task.run()}>${t.refresh}</button>
        <button class="secondary" part="resend-all" aria-expanded=${this.confirming} aria-controls="confirm-all"
          ?disabled=${!failed || all === 'busy'} @click=${this.#askAll}>${t.resendFailed(failed)}</button>
      </div>
      <div id="confirm-all" class="notice confirm" part="resend-all" role="group" aria-labelledby="confirm-text" ?hidden=${!this.confirming}>
        <p id="confirm-text">${t.confirmAll(failed)}</p>
        <div class="row">
          <button id="confirm-yes" @click=${this.#resendAll}>${t.confirm}</button>
          <button class="secondary" @click=${this.#cancelAll}>${t.cancel}</button>
        </div>
      </div>
      <p role="status" class=${all instanceof Error ? 'bad' : 'ok'}>
        ${all instanceof Error ? describeError(all, this.activeLocale) : all && all !== 'busy' ? t.resentAll(all.resent, all.remaining) : ''}
      </p>
      <vk-payments-fulfilment-endpoint theme=${this.theme ?? nothing} .sharedSession=${this.session}></vk-payments-fulfilment-endpoint>`;
  }

  protected renderFields(t: Texts): unknown {
    const select = (name: string, label: string, options: [string, string][]): TemplateResult =>
      html`<label>
        ${label}
        <select name=${name} .value=${this.applied[name] ?? ''}>
          ${options.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
        </select>
      </label>`;
    return [
      select('status', t.status, [['', t.all], ...STATUSES.map((s): [string, string] => [s, t.states[s]!])]),
      select('event', t.event, [['', t.all], ...EVENTS.map((e): [string, string] => [e, e])]),
    ];
  }

  protected heads(t: Texts): unknown[] {
    return [t.time, t.event, this.common.user, [t.order], t.status, [t.attempts], html`<span class="visually-hidden">${t.actions}</span>`];
  }

  protected row(row: DeliveryRow, t: Texts): TemplateResult {
    const { id } = row;
    return deliveryRow(row, {
      t,
      c: this.common,
      locale: this.activeLocale,
      open: this.opened.has(id),
      resend: this.resends.get(id),
      toggle: () => {
        const opened = new Set(this.opened);
        if (!opened.delete(id)) opened.add(id);
        this.opened = opened;
      },
      onResend: () => void this.#resend(id),
    });
  }

  protected empty(t: Texts): string {
    return Object.keys(this.applied).length ? t.noneFiltered : t.none;
  }

  #setResend(id: string, state: Progress): void {
    this.resends = new Map(this.resends).set(id, state);
  }

  /** Sends one again; its row shows the answer (pending, due now) at once. */
  async #resend(id: string): Promise<void> {
    const session = this.session!;
    this.#setResend(id, 'busy');
    try {
      const { r } = await session.client.request<DeliveriesResendMutation>(RESEND, { id });
      this.items = this.items.map((row) => (row.id === id ? r : row));
      this.#setResend(id, 'done');
    } catch (err) {
      this.#setResend(id, { error: describeError(this.report(err), this.activeLocale) });
    }
  }

  #askAll = async (): Promise<void> => {
    this.confirming = true;
    this.resendAll = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#confirm-yes')?.focus();
  };

  /** Closes the confirmation, the focus back where it was asked. */
  #cancelAll = async (): Promise<void> => {
    this.confirming = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part="resend-all"]')?.focus();
  };

  #resendAll = async (): Promise<void> => {
    const session = this.session!;
    this.confirming = false;
    this.resendAll = 'busy';
    // The confirmation's button goes away: the focus goes to the list's first tool, not to the page.
    this.renderRoot.querySelector<HTMLElement>('.tools button')?.focus();
    try {
      const { r } = await session.client.request<DeliveriesResendFailedMutation>(RESEND_FAILED, {
        vkAppId: session.vkAppId,
        eventType: deliveryVars(this.applied).eventType,
      });
      this.resendAll = r;
      await this.task.run();
    } catch (err) {
      this.resendAll = this.report(err) as Error;
    }
  };
}
