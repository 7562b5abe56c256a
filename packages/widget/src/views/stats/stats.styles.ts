import { css } from 'lit';

export const statsStyles = css`
  :host {
    /* Derived from the accent, so a host's accent carries over: a lighter tint where colour maths is old… */
    --_chart-2: var(--vkp-color-chart-2, color-mix(in srgb, var(--_accent) 55%, #fff));
  }
  /* …and where it is not, the accent's own lightness and chroma with the hue turned towards violet. */
  @supports (color: oklch(from red l c h)) {
    :host {
      --_chart-2: var(--vkp-color-chart-2, oklch(from var(--_accent) calc(l + 0.04) c calc(h + 50)));
    }
  }
  /* Layout follows the element's own width, not the page's: hosts embed it in columns and drawers. */
  .wrap {
    container-type: inline-size;
  }
  /* With the theme's .row: title and CSV button, legend and chart/table switch. */
  .head,
  .bar {
    align-items: center;
    justify-content: space-between;
    margin-bottom: 12px;
  }
  .bar {
    margin-bottom: 4px;
  }
  .head h2 {
    margin: 0;
  }
  .controls {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 10px 12px;
    align-items: start;
  }
  .field,
  .date {
    display: grid;
    gap: 4px;
  }
  /* The period and the grouping take a row each on a phone; the dates share one. */
  .field {
    grid-column: 1 / -1;
    color: var(--_muted);
    font-size: 0.9em;
  }
  .field-error:empty {
    display: none;
  }
  select,
  input {
    width: 100%;
    box-sizing: border-box;
    height: 36px;
  }
  .hint,
  .note {
    margin: 8px 0 0;
    font-size: 0.9em;
  }
  .note {
    font-size: 0.8em;
  }
  .seg {
    display: inline-flex;
    width: fit-content;
    padding: 2px;
    gap: 2px;
    border-radius: calc(var(--_radius) * 0.8);
    background: var(--_surface);
    border: 1px solid var(--_border);
  }
  .seg button {
    border: 0;
    background: transparent;
    color: var(--_muted);
    padding: 5px 12px;
    border-radius: calc(var(--_radius) * 0.6);
  }
  .seg button[aria-pressed='true'] {
    background: var(--_bg);
    color: var(--_text);
    box-shadow: 0 0 0 1px var(--_border);
  }
  .data {
    transition: opacity 0.2s;
  }
  .stale {
    opacity: 0.55;
  }
  .cards {
    display: grid;
    grid-template-columns: repeat(2, minmax(0, 1fr));
    gap: 8px;
    margin: 16px 0;
  }
  .card {
    display: grid;
    align-content: start;
    gap: 2px;
    padding: 10px 12px;
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .card .label,
  .legend {
    color: var(--_muted);
    font-size: 0.85em;
  }
  .card .value {
    font-size: 1.3em;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  /* Revenue, the first card, spans two columns in larger type. */
  .card:first-child {
    grid-column: span 2;
  }
  .card:first-child .value {
    font-size: 1.6em;
    line-height: 1.2;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 12px;
  }
  .legend span,
  .tip span {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  /* Each series' colour as --c: the bars fill with it, the legend's swatches show it. */
  .items {
    --c: var(--_accent);
  }
  .subs {
    --c: var(--_chart-2);
  }
  .users {
    --c: var(--_text);
    fill: none;
    stroke: var(--c);
    stroke-width: 1.5;
    stroke-linejoin: round;
    pointer-events: none;
  }
  .period path {
    fill: var(--c);
  }
  .sw {
    width: 10px;
    height: 10px;
    border-radius: 3px;
    flex: none;
    background: var(--c);
  }
  .sw.users {
    height: 2px;
    border-radius: 1px;
  }
  /* Last, so it overrides the narrow defaults above. */
  @container (min-width: 640px) {
    .controls {
      grid-template-columns: minmax(150px, 1.2fr) minmax(130px, 1fr) minmax(130px, 1fr) auto;
    }
    .field {
      grid-column: auto;
    }
    .cards {
      grid-template-columns: repeat(6, minmax(0, 1fr));
    }
  }
`;
