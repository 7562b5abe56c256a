/**
 * The mini app's origins in <vk-payments-settings>: where the app's front-end runs, so a browser there may
 * call the mini app API (/mini-app/v1/*, docs/protocol.md §9). One origin per line; the server normalizes
 * them and refuses a bad one (`extensions.field` `miniAppOrigins.<n>`), shown under the field.
 */
import { html, type TemplateResult } from 'lit';
import { section } from '../../components/form-view.js';
import type { CommonStrings } from '../../i18n.js';
import type { SettingsStrings } from './settings.strings.js';

/** The origins typed into the field: one per line (commas and spaces separate too), blanks dropped. */
export const parseOrigins = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

/** A line that cannot be an origin the server takes: it must begin with its scheme. */
export const notAnOrigin = (origins: readonly string[]): boolean => origins.some((o) => !/^https?:\/\//i.test(o));

export interface OriginsForm {
  t: SettingsStrings;
  c: CommonStrings;
  busy: string;
  invalid: 'true' | 'false';
  problem: unknown;
  savedMark: unknown;
  submit: (e: SubmitEvent) => void;
}

export function renderOrigins(origins: readonly string[], f: OriginsForm): TemplateResult {
  return section(
    'origins',
    f.t.originsTitle,
    html`<p class="muted" id="origins-hint">${f.t.originsHint}</p>
      <form class="row" novalidate @submit=${f.submit}>
        <label class="grow"
          >${f.t.originsLabel}
          <textarea name="miniAppOrigins" rows=${Math.min(8, Math.max(2, origins.length + 1))} autocomplete="off" spellcheck="false"
            placeholder="https://prod-app123-abc.pages-ac.vk-apps.com" .value=${origins.join('\n')} aria-invalid=${f.invalid}
            aria-describedby="origins-hint miniAppOrigins-error"></textarea>
        </label>
        <button ?disabled=${f.busy !== ''}>${f.busy === 'origins' ? f.c.saving : f.t.originsSave}</button>
        ${f.savedMark}
      </form>
      ${f.problem}`,
  );
}
