import { css } from 'lit';

/** The transactions' own look: totals, tab counts, status badges, and the order of cells on a phone. */
export const transactionsStyles = css`
  .head > .notice {
    flex-basis: 100%;
    margin: 0;
  }
  .totals {
    display: grid;
    grid-template-columns: repeat(3, 1fr);
    margin: 0 0 var(--_space);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .total {
    padding: 10px 12px;
  }
  .total + .total {
    border-inline-start: 1px solid var(--_border);
  }
  .total dt {
    color: var(--_muted);
    font-size: 0.9em;
  }
  .total dd {
    margin: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 0 8px;
    align-items: baseline;
  }
  .total strong {
    font-size: 1.2em;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .tabs {
    margin-bottom: calc(var(--_space) / 2);
  }
  .count,
  .state {
    display: inline-block;
    padding: 0 6px;
    font-size: 0.85em;
  }
  .count {
    min-width: 1.4em;
    margin-inline-start: 4px;
    border-radius: 9px;
    background: var(--_surface);
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }
  /* Paid (.ok) or refunded (.bad): the text's colour on a tint of it. */
  .state {
    border-radius: 6px;
    background: color-mix(in srgb, currentColor 10%, transparent);
  }
  td.item .muted {
    font-size: 0.9em;
  }
  td.votes {
    font-weight: 600;
  }
  .unit {
    display: none;
  }
  @container (max-width: 599px) {
    /* One card of three lines: label on the left, the figure on the right. */
    .totals {
      grid-template-columns: 1fr;
    }
    .total {
      display: flex;
      justify-content: space-between;
      align-items: baseline;
      gap: 8px;
      padding: 6px 12px;
    }
    .total + .total {
      border-inline-start: 0;
      border-top: 1px solid var(--_border);
    }
    .total dd {
      justify-content: end;
    }
    .unit {
      display: inline;
      font-weight: 400;
    }
    td.time {
      order: -2;
      flex: 1 1 auto;
      color: var(--_muted);
    }
    td.votes {
      order: -1;
    }
    td.item {
      flex-basis: 100%;
      white-space: normal;
    }
    td.status {
      flex-basis: 100%;
      order: 1;
    }
    /* User and both orders, with their labels, last. */
    td[data-label] {
      order: 2;
    }
  }
`;
