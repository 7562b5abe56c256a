import { css } from 'lit';

/** The transactions' own look: totals, tab counts, status badges, and the order of cells on a phone. */
export const transactionsStyles = css`
  .csv-error {
    flex-basis: 100%;
  }
  .csv-error .notice {
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
  .total.in strong {
    color: var(--_success);
  }
  .total.out strong {
    color: var(--_danger);
  }
  .tabs {
    margin-bottom: calc(var(--_space) / 2);
  }
  .count {
    display: inline-block;
    min-width: 1.4em;
    margin-inline-start: 4px;
    padding: 0 6px;
    border-radius: 9px;
    background: var(--_surface);
    color: var(--_muted);
    font-size: 0.85em;
    font-variant-numeric: tabular-nums;
  }
  .state {
    display: inline-block;
    padding: 0 6px;
    border-radius: 6px;
    font-size: 0.85em;
  }
  .state.paid {
    color: var(--_success);
    background: color-mix(in srgb, var(--_success) 14%, transparent);
  }
  .state.refunded {
    color: var(--_danger);
    background: color-mix(in srgb, var(--_danger) 14%, transparent);
  }
  td.item .muted {
    font-size: 0.9em;
  }
  td.votes {
    font-weight: 600;
  }
  td.votes .unit {
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
    td.votes .unit {
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
    td.user,
    td.app-order,
    td.vk-order {
      order: 2;
    }
  }
`;
