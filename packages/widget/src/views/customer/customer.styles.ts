import { css } from 'lit';

/** The customer page: the search, the totals (a row on a desktop, stacked on a phone), and the timeline. */
export const customerStyles = css`
  :host {
    container-type: inline-size;
  }
  .head p {
    margin: 0 0 var(--_space);
  }
  .search {
    align-items: end;
    margin-bottom: var(--_space);
  }
  .field {
    display: flex;
    flex-direction: column;
    flex: 1 1 16em;
    max-width: 24em;
  }
  .field-error {
    margin: 4px 0 0;
  }
  .who {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 12px;
    align-items: baseline;
  }
  .who h3 {
    margin: 0;
  }
  .totals {
    display: grid;
    grid-template-columns: repeat(4, auto);
    margin: calc(var(--_space) / 2) 0 0;
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .total {
    padding: 10px 12px;
  }
  .total + .total {
    border-inline-start: 1px solid var(--_border);
  }
  .total dt,
  .small {
    color: var(--_muted);
    font-size: 0.9em;
  }
  .small {
    margin: 6px 0 var(--_space);
  }
  .total dd {
    margin: 0;
  }
  .total strong {
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .timeline {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .entry {
    display: grid;
    grid-template-columns: 11em 1fr;
    gap: 2px 12px;
    padding: 8px 10px;
    border-inline-start: 3px solid var(--_tone, var(--_border));
    overflow-wrap: anywhere;
  }
  .entry + .entry {
    border-top: 1px solid var(--_border);
  }
  .tone-ok {
    --_tone: var(--_success);
  }
  .tone-bad {
    --_tone: var(--_danger);
  }
  .tone-warn {
    --_tone: var(--_warning);
  }
  .strong {
    font-weight: 600;
  }
  button.small {
    padding: 2px 10px;
    font-size: 0.9em;
  }
  .entry .notice {
    margin: 6px 0 0;
  }
  .pager {
    padding-top: calc(var(--_space) / 2);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @container (max-width: 599px) {
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
      text-align: end;
    }
    .entry {
      grid-template-columns: 1fr;
    }
  }
`;
