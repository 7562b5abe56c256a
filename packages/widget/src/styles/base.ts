/** The shared rules of every element's shadow root, on the custom properties of theme.ts. */
import { css } from 'lit';

/** Building blocks every view uses: text, forms, buttons, tables, badges, state boxes. */
export const base = css`
  :host {
    display: block;
    font-family: var(--_font);
    font-size: var(--_size);
    line-height: 1.45;
    color: var(--_text);
    background: var(--_bg);
  }
  [hidden] {
    display: none !important;
  }
  h2,
  h3 {
    margin: 0 0 calc(var(--_space) / 2);
    font-weight: 600;
  }
  h2 {
    font-size: 1.25em;
  }
  h3 {
    font-size: 1.05em;
  }
  p {
    margin: 0 0 calc(var(--_space) / 2);
  }
  .muted {
    color: var(--_muted);
  }
  .section {
    padding: var(--_space) 0;
    border-bottom: 1px solid var(--_border);
  }
  .section:last-child {
    border-bottom: 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) / 2);
    align-items: end;
  }
  label {
    display: grid;
    gap: 4px;
    color: var(--_muted);
    font-size: 0.9em;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.8);
    padding: 7px 10px;
    min-width: 0;
  }
  textarea {
    resize: vertical;
    min-height: 4.5em;
  }
  input[aria-invalid='true'],
  textarea[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  /* The message under a refused input (fieldError()). */
  .field-error {
    margin: 2px 0 0;
    color: var(--_danger);
    font-size: 0.9em;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: calc(var(--_radius) * 0.8);
    padding: 7px 14px;
    border: 1px solid var(--_accent);
    background: var(--_accent);
    color: var(--_accent-text);
  }
  button.secondary {
    background: transparent;
    color: var(--_accent);
  }
  button.danger {
    background: transparent;
    border-color: var(--_danger);
    color: var(--_danger);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  :is(button, input, select, textarea, a, [tabindex]):focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  a {
    color: var(--_accent);
  }
  code,
  pre {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.92em;
  }
  pre {
    margin: 0;
    padding: calc(var(--_space) / 2);
    background: var(--_surface);
    border-radius: calc(var(--_radius) * 0.8);
    overflow: auto;
    white-space: pre-wrap;
    word-break: break-all;
  }
  .table-wrap {
    overflow-x: auto;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th {
    text-align: start;
    font-weight: 500;
    color: var(--_muted);
    background: var(--_surface);
  }
  th,
  td {
    padding: 8px 10px;
    border-bottom: 1px solid var(--_border);
    vertical-align: top;
  }
  .num {
    text-align: end;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .badge {
    display: inline-block;
    margin-inline-start: 6px;
    padding: 0 6px;
    border-radius: 6px;
    font-size: 0.8em;
    background: var(--_badge-bg);
    color: var(--_badge-text);
  }
  .ok {
    color: var(--_success);
  }
  .bad {
    color: var(--_danger);
  }
  .warn {
    color: var(--_warning);
  }
  .notice {
    padding: calc(var(--_space) * 0.75);
    border-radius: var(--_radius);
    background: var(--_surface);
    border-inline-start: 3px solid var(--_accent);
  }
  .notice.error {
    border-inline-start-color: var(--_danger);
  }
  .tabs {
    display: flex;
    gap: 4px;
    border-bottom: 1px solid var(--_border);
    overflow-x: auto;
  }
  .tabs [role='tab'] {
    background: transparent;
    color: var(--_muted);
    border: 0;
    border-bottom: 2px solid transparent;
    border-radius: 0;
    padding: 8px 12px;
    white-space: nowrap;
  }
  /* Inside: the row scrolls sideways, which would clip a ring drawn outside the tab. */
  .tabs [role='tab']:focus-visible {
    outline-offset: -2px;
  }
  .tabs [role='tab'][aria-selected='true'] {
    color: var(--_text);
    border-bottom-color: var(--_accent);
  }
`;
