/**
 * The frame the form views (settings, moderation) share: one query loaded with the caller's `me` for
 * the role checks, shown only for the session it was loaded for; one change at a time, its refusal
 * shown where it concerns with focus moved there; the states every view shows alike.
 */
import { Task, TaskStatus } from '@lit/task';
import { html, type PropertyDeclarations, type TemplateResult } from 'lit';
import { VkpElement } from '../base/vkp-element.js';
import type { Me } from '../client/graphql-client.js';
import type { Session } from '../client/session.js';
import { errorFor, fieldError, type FieldErrors } from './form-errors.js';
import { viewStyles } from './view-styles.js';

/** True for root and the roles given. */
export type Can = (...roles: Me['role'][]) => boolean;

/** What a view shows: the answer to its query, its rights, and the session both came with. */
export type Loaded<A, R> = A & R & { session: Session };

export abstract class FormView<A, R> extends VkpElement {
  static override styles = [...VkpElement.styles, viewStyles];
  static override properties: PropertyDeclarations = {
    data: { state: true },
    errors: { state: true },
    busy: { state: true },
  };

  protected data: Loaded<A, R> | undefined;
  /** Field (a control's `name`, or a form's fallback place) → message. */
  protected errors: FieldErrors = {};
  /** The action running now; every button of the view waits for it. */
  protected busy = '';

  /** The view's query, of `$id: Int!` (the app). */
  protected abstract readonly query: string;
  /** What the view may do, from the caller's roles. */
  protected abstract rights(can: Can): R;
  protected abstract renderLoaded(d: Loaded<A, R>): TemplateResult;

  readonly #load = new Task(this, {
    args: () => [this.session] as const,
    task: async ([session], { signal }) => {
      if (!session) return;
      try {
        this.data = await this.fetch(session, signal);
        this.errors = {};
      } catch (err) {
        throw this.report(err);
      }
    },
  });

  protected async fetch(session: Session, signal?: AbortSignal): Promise<Loaded<A, R>> {
    const [answer, me] = await Promise.all([session.client.request<A>(this.query, { id: session.vkAppId }, signal), session.client.me()]);
    return { ...answer, ...this.rights((...roles) => me.kind === 'root' || roles.includes(me.role)), session };
  }

  override render(): TemplateResult {
    const session = this.session;
    if (!session) return this.renderNeedConfig();
    // Data of another app or token is never shown: the task is loading the new one.
    if (this.data?.session === session) return this.renderLoaded(this.data);
    return this.#load.status === TaskStatus.ERROR ? this.renderError(this.#load.error, () => void this.#load.run()) : this.renderPending();
  }

  /** `aria-invalid` of the control of `field`. */
  protected bad(field: string): 'true' | 'false' {
    return this.errors[field] ? 'true' : 'false';
  }

  /** The message under `field` (its id `<field>-error`, what the control's `aria-describedby` names). */
  protected problem(field: string): ReturnType<typeof fieldError> {
    return fieldError(field, this.errors[field]);
  }

  /** Shows the errors and moves focus to the first control concerned, so a keyboard user lands on it. */
  protected async refuse(errors: FieldErrors): Promise<void> {
    this.errors = errors;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(':is(input, select, textarea)[aria-invalid="true"], [aria-invalid="true"] input')?.focus();
  }

  /**
   * Runs one change, if none is running: a refusal goes under the field the server named (of
   * `fields`), else under `fallback`; success fires `vkp-saved` with `what` (when given). `settle`
   * runs after either, before the buttons wake. True when it went through.
   */
  protected async act(
    key: string,
    what: string,
    fields: readonly string[],
    fallback: string,
    change: (d: Loaded<A, R>) => Promise<unknown>,
  ): Promise<boolean> {
    const d = this.data;
    if (!d || this.busy) return false;
    this.busy = key;
    this.errors = {};
    let errors: FieldErrors | undefined;
    try {
      await change(d);
      if (what) this.emit('vkp-saved', { what });
    } catch (err) {
      this.report(err);
      errors = errorFor(err, fields, fallback, this.common.forbiddenHint, this.activeLocale);
    }
    await this.settle(d, !errors);
    this.busy = '';
    if (errors) await this.refuse(errors);
    return !errors;
  }

  protected async settle(_d: Loaded<A, R>, _ok: boolean): Promise<void> {}
}

/** A block of a view: `part="section <name>"`, labelled by its heading (id `<name>-title`). */
export function section(name: string, title: string, body: unknown): TemplateResult {
  return html`<section class="section" part="section ${name}" aria-labelledby="${name}-title">
    <h3 id="${name}-title">${title}</h3>
    ${body}
  </section>`;
}
