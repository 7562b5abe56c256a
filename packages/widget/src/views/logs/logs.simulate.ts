/**
 * "Send test notification" of the log: the server plays VK's whole sequence for a purchase or a
 * subscription against its own endpoint (`simulateNotification`: `_test` types, each step sent twice,
 * as VK may repeat any notification, docs/protocol.md §1) and reports what every step got back. The form,
 * what it sends, and the result; the log component holds the state and reloads its list afterwards,
 * since every step is logged like VK's own requests.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Session } from '../../client/session.js';
import type { ViewTexts } from '../../components/cursor-list.js';
import { parseUserId } from '../../components/filters.js';
import { fieldError } from '../../components/form-errors.js';
import { formValues } from '../../components/list-filters.js';
import { outcome, problems } from '../../components/outcome.js';
import type { strings } from './logs.strings.js';

type Texts = ViewTexts<(typeof strings)['ru']>;

/** The server's `SimulationScenario`, in the order the select lists them. */
const SCENARIOS = ['PURCHASE', 'PURCHASE_REFUND', 'SUBSCRIBE', 'SUBSCRIBE_CANCEL'] as const;

/** Only what the result shows: the request and answer of each step are in the log rows it made. */
const SIMULATE =
  'mutation($vkAppId:Int!,$input:SimulationInput!){simulateNotification(vkAppId:$vkAppId,input:$input){ok vkUserId stoppedBecause steps{notificationType problems repeatIdentical}}}';

export interface Simulation {
  /** Every step answered with a valid success, the same on the repeat. */
  ok: boolean;
  /** Who bought: the one asked for, else the app's first payment tester, else 1. */
  vkUserId: number;
  /** Why the sequence stopped early (in the server's words), as VK would stop there too. */
  stoppedBecause: string | null;
  steps: Array<{ notificationType: string; problems: string[]; repeatIdentical: boolean }>;
}

/** Refused inputs of the form: input name → the message's key (so a language switch re-translates it). */
export type SimInvalid = Partial<Record<'itemId' | 'vkUserId', 'needItem' | 'badUserId'>>;

/**
 * Reads the form and sends it, unless the item is empty or the user id not a VK id (the server would
 * refuse both): then only what is wrong comes back, and nothing is sent.
 */
export async function simulate({ client, vkAppId }: Session, form: HTMLFormElement): Promise<Simulation | SimInvalid> {
  const { scenario, itemId, vkUserId: user } = formValues(form);
  const vkUserId = parseUserId(user);
  if (!itemId || vkUserId === null) return { ...(!itemId && { itemId: 'needItem' }), ...(vkUserId === null && { vkUserId: 'badUserId' }) };
  const input = { scenario, itemId, vkUserId };
  return (await client.request<{ simulateNotification: Simulation }>(SIMULATE, { vkAppId, input })).simulateNotification;
}

/** The panel's form: scenario, item (required), buyer (the server's default when empty), Send. */
export function simulationForm(t: Texts, busy: boolean, invalid: SimInvalid, submit: (e: SubmitEvent) => void): TemplateResult {
  /** The item (required, any text) or the buyer (optional, a number). */
  const input = (name: keyof SimInvalid, label: string, placeholder: string): TemplateResult => {
    const id = `sim-${name}`;
    const key = invalid[name];
    const item = name === 'itemId';
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <input id=${id} name=${name} placeholder=${placeholder} ?required=${item} inputmode=${item ? nothing : 'numeric'} autocomplete="off" spellcheck="false"
        aria-invalid=${!!key} aria-describedby=${key ? `${id}-error` : nothing} />
      ${fieldError(id, key && t[key])}
    </div>`;
  };
  // Checked here rather than by the browser (novalidate): the message then speaks the widget's language.
  return html`<form class="row fields" novalidate @submit=${submit}>
    <label>
      ${t.scenario}
      <select name="scenario">
        ${SCENARIOS.map((s) => html`<option value=${s}>${t.scenarios[s]}</option>`)}
      </select>
    </label>
    ${input('itemId', t.item, t.itemHint)} ${input('vkUserId', t.buyer, t.buyerHint)}
    <div class="row actions"><button ?disabled=${busy}>${busy ? t.sending : t.send}</button></div>
  </form>`;
}

/** What came back, framed as the settings' URL check: all well or why VK would have stopped, then each step. */
export function simulationResult({ ok, vkUserId, stoppedBecause, steps }: Simulation, t: Texts, user: string): TemplateResult {
  return outcome(
    ok ? 'ok' : 'bad',
    'simulation',
    html`<strong class="verdict">${ok ? `✓ ${t.simOk}` : `✗ ${stoppedBecause ?? t.simProblems}`}</strong>
      <span class="muted">${user} ${vkUserId}</span>`,
    html`<ol class="steps">
      ${steps.map(({ notificationType, problems: list, repeatIdentical }) => {
        const good = !list.length;
        return html`<li part="step">
          <span class=${good ? 'ok' : 'bad'} role="img" aria-label=${good ? 'OK' : t.error}>${good ? '✓' : '✗'}</span>
          <code>${notificationType}</code>
          <span class="muted">${repeatIdentical ? t.repeatSame : t.repeatDiffers}</span>
          ${good ? nothing : problems(list)}
        </li>`;
      })}
    </ol>`,
  );
}
