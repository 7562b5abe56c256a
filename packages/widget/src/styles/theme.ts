/**
 * The look every element shares. Hosts theme the widget only through the documented `--vkp-*`
 * custom properties (and `::part()`); each has a light and a dark default. Dark applies with
 * `theme="dark"`, or with the system's dark scheme unless `theme="light"`.
 *
 * @cssproperty --vkp-font-family - Text font.
 * @cssproperty --vkp-font-size - Base text size (14px).
 * @cssproperty --vkp-space - Base spacing (16px).
 * @cssproperty --vkp-radius - Corner radius (10px).
 * @cssproperty --vkp-color-bg - Background.
 * @cssproperty --vkp-color-surface - Raised areas: table headings, inputs, cards.
 * @cssproperty --vkp-color-text - Main text.
 * @cssproperty --vkp-color-muted - Labels and secondary text.
 * @cssproperty --vkp-color-border - Lines and frames.
 * @cssproperty --vkp-color-accent - Buttons, links, the chart's main series.
 * @cssproperty --vkp-color-accent-text - Text on accent buttons.
 * @cssproperty --vkp-color-success - Success, paid.
 * @cssproperty --vkp-color-danger - Errors, refunds.
 * @cssproperty --vkp-color-warning - Warnings.
 * @cssproperty --vkp-color-badge-bg - Background of the "test" badge.
 * @cssproperty --vkp-color-badge-text - Text of the "test" badge.
 */
import { css } from 'lit';

/**
 * The dark defaults, applied by `theme="dark"` and by the system's dark scheme (unless `theme="light"`).
 * VK's dark palette, with one change for WCAG 2.2 AA (4.5:1 for text, https://www.w3.org/TR/WCAG22/#contrast-minimum):
 * white on VK's dark accent is 2.8:1, so text on accent buttons is the background's near-black (6.3:1).
 */
const dark = css`
  --_bg: var(--vkp-color-bg, #19191a);
  --_surface: var(--vkp-color-surface, #232324);
  --_text: var(--vkp-color-text, #e1e3e6);
  --_muted: var(--vkp-color-muted, #939699);
  --_border: var(--vkp-color-border, #363738);
  --_accent: var(--vkp-color-accent, #529ef4);
  --_accent-text: var(--vkp-color-accent-text, #19191a);
  --_success: var(--vkp-color-success, #5fc35f);
  --_danger: var(--vkp-color-danger, #ff5c5c);
  --_warning: var(--vkp-color-warning, #ffb74d);
  --_badge-bg: var(--vkp-color-badge-bg, #4a3b10);
  --_badge-text: var(--vkp-color-badge-text, #ffd970);
  color-scheme: dark;
`;

/**
 * The light defaults, with the sizes and the font, which no scheme changes. A css`` of its own, as
 * `dark` is: the build minifies only templates without `${}`, and the palette has them.
 * VK's light palette with the colours that carry text darkened just enough, keeping their hue, for
 * WCAG 2.2 AA: 4.5:1 on the background and on the surface (#f2f3f5), and for success, danger, warning
 * and muted also on a 10% wash of themselves (the status badges); white on the accent is 5:1.
 */
const light = css`
  --_font: var(--vkp-font-family, -apple-system, system-ui, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif);
  --_size: var(--vkp-font-size, 14px);
  --_space: var(--vkp-space, 16px);
  --_radius: var(--vkp-radius, 10px);
  --_bg: var(--vkp-color-bg, #ffffff);
  --_surface: var(--vkp-color-surface, #f2f3f5);
  --_text: var(--vkp-color-text, #000000);
  --_muted: var(--vkp-color-muted, #626d7a);
  --_border: var(--vkp-color-border, #dce1e6);
  --_accent: var(--vkp-color-accent, #1f70c2);
  --_accent-text: var(--vkp-color-accent-text, #ffffff);
  --_success: var(--vkp-color-success, #337b33);
  --_danger: var(--vkp-color-danger, #c13b3b);
  --_warning: var(--vkp-color-warning, #996000);
  --_badge-bg: var(--vkp-color-badge-bg, #fff3cd);
  --_badge-text: var(--vkp-color-badge-text, #7a5b00);
  color-scheme: light;
`;

export const palette = css`
  :host {
    ${light}
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
`;

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
