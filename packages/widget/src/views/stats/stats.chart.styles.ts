import { css } from 'lit';

/**
 * The chart, its tooltip and the table of <vk-payments-stats> (stats.plot.ts), after statsStyles. Only
 * classes of their own: the order against statsStyles' container query does not matter.
 */
export const chartStyles = css`
  .plot {
    position: relative;
  }
  .chart {
    display: block;
    width: 100%;
    overflow: visible;
    font-size: 11px;
    user-select: none;
    -webkit-user-select: none;
  }
  .chart text {
    fill: var(--_muted);
    text-anchor: middle;
    font-variant-numeric: tabular-nums;
  }
  .chart text.y {
    text-anchor: end;
  }
  .chart text.title {
    text-anchor: start;
    font-size: 12px;
  }
  .grid,
  .zero {
    stroke: var(--_border);
    shape-rendering: crispEdges;
  }
  .zero {
    stroke: var(--_muted);
    stroke-opacity: 0.7;
  }
  .dot {
    fill: var(--_bg);
    stroke: var(--_text);
    stroke-width: 1.5;
    pointer-events: none;
  }
  .dot.active {
    fill: var(--_text);
  }
  .hit {
    fill: transparent;
  }
  .period.active .hit {
    fill: var(--_text);
    fill-opacity: 0.07;
  }
  .period:focus {
    outline: none;
  }
  .period:focus-visible .hit {
    stroke: var(--_accent);
    stroke-width: 1.5;
  }
  .tip {
    position: absolute;
    z-index: 1;
    display: grid;
    gap: 1px;
    min-width: 160px;
    padding: 8px 10px;
    font-size: 12px;
    line-height: 1.5;
    pointer-events: none;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: 8px;
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.18);
  }
  .tip span {
    color: var(--_muted);
  }
  .tip b {
    margin-inline-start: auto;
    padding-inline-start: 12px;
    color: var(--_text);
    font-weight: 500;
    font-variant-numeric: tabular-nums;
  }
  .tip .tip-total {
    color: var(--_text);
    font-size: 15px;
    font-weight: 600;
    margin-bottom: 2px;
  }
  .empty {
    position: absolute;
    inset-inline: 0;
    width: fit-content;
    margin: 0 auto;
    padding: 4px 12px;
    border-radius: 999px;
    background: var(--_surface);
    color: var(--_muted);
    pointer-events: none;
  }
  tfoot th,
  tfoot td {
    font-weight: 600;
    border-bottom: 0;
  }
  tbody th {
    font-weight: 400;
    color: var(--_text);
    background: var(--_bg);
    white-space: nowrap;
  }
  /* The period stays in view while the figures scroll sideways on a phone. */
  tr > :first-child {
    position: sticky;
    inset-inline-start: 0;
  }
  .cancel {
    --c: var(--_danger);
  }
  .subs-period path {
    fill: var(--c);
  }
  .subs-part {
    margin-top: 28px;
  }
  /* Six cards, the first two columns wide: one row of seven columns on a desktop. */
  @container (min-width: 640px) {
    .subs-part .cards {
      grid-template-columns: repeat(7, minmax(0, 1fr));
    }
  }
  .subs-part h3 {
    margin: 0;
  }
  .subs-part .plot {
    margin-top: 8px;
  }
  .subs-part .table-wrap {
    margin-top: 12px;
  }
  caption {
    text-align: start;
    padding-bottom: 4px;
    font-size: 0.85em;
  }
`;
