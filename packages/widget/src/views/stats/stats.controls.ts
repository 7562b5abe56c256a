/**
 * The controls of <vk-payments-stats>: a quick range, the two dates, and days, weeks or months. Renders
 * the choice it is given and reports each change; the element keeps the state.
 */
import { html, type TemplateResult } from 'lit';
import type { CommonStrings } from '../../i18n.js';
import type { Granularity, Preset } from './stats.dates.js';
import { segmented } from './stats.plot.js';
import type { StatsStrings } from './stats.strings.js';

export interface Choice {
  preset: Preset;
  /** yyyy-mm-dd, or '' while the input is empty. */
  from: string;
  to: string;
  granularity: Granularity;
}

export interface ControlsInput {
  t: StatsStrings;
  c: CommonStrings;
  choice: Choice;
  /** What the server refused in a field (from, to, granularity); '' when nothing. */
  fieldError: (name: keyof Choice) => string;
  /** A quick range picked, a date typed (the range becomes 'custom'), or a granularity chosen. */
  onPreset: (preset: Preset) => void;
  onDate: (key: 'from' | 'to', value: string) => void;
  onGranularity: (granularity: Granularity) => void;
}

export function renderControls({ t, c, choice, fieldError, onPreset, onDate, onGranularity }: ControlsInput): TemplateResult {
  const { from, to } = choice;
  // Date inputs hold '' or a valid yyyy-mm-dd, and such strings compare as the days do.
  const date = (key: 'from' | 'to', label: string, error: string): TemplateResult =>
    html`<div class="date">
      <label
        >${label}<input
          type="date"
          .value=${choice[key]}
          aria-invalid=${!!error}
          aria-describedby="${key}-error"
          @change=${(e: Event) => onDate(key, (e.target as HTMLInputElement).value)}
      /></label>
      <span class="field-error bad" id="${key}-error">${error}</span>
    </div>`;
  return html`<div class="controls" part="controls">
    <div class="field period">
      <label for="preset">${t.period}</label>
      <select id="preset" @change=${(e: Event) => onPreset((e.target as HTMLSelectElement).value as Preset)}>
        ${Object.entries(t.presets).map(([p, label]) => html`<option value=${p} ?selected=${p === choice.preset}>${label}</option>`)}
      </select>
    </div>
    ${date('from', c.from, from ? fieldError('from') : t.needDate)}
    ${date('to', c.to, !to ? t.needDate : to < from ? t.toBeforeFrom : fieldError('to'))}
    <div class="field">
      <span id="group-by">${t.groupBy}</span>
      <div class="seg" role="group" aria-labelledby="group-by">
        ${segmented(Object.entries(t.granularity) as Array<[Granularity, string]>, choice.granularity, onGranularity)}
      </div>
      <span class="field-error bad">${fieldError('granularity')}</span>
    </div>
  </div>`;
}
