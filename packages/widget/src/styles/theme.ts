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

export { base } from './base.js';
