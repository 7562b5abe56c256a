import { css } from 'lit';

/** The deliveries' own look: status badges, the expander, the attempt log, the confirmation, and a phone's order of cells. */
export const deliveriesStyles = css`
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  /* Under the heading and its tools, each on a line of its own. */
  .head > [role='status'],
  .head > .confirm,
  .head > vk-payments-fulfilment-endpoint {
    flex-basis: 100%;
    margin: 0;
  }
  .confirm p {
    margin: 0 0 8px;
  }
  .state {
    display: inline-block;
    padding: 0 6px;
    border-radius: 6px;
    font-size: 0.85em;
    background: color-mix(in srgb, currentColor 10%, transparent);
  }
  .expand {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 0;
    border: 0;
    background: none;
    color: inherit;
    text-align: start;
    font-variant-numeric: tabular-nums;
  }
  .expand::before {
    content: '▸' / '';
    color: var(--_muted);
    transition: transform 0.15s;
  }
  [aria-expanded='true'].expand::before {
    transform: rotate(90deg);
  }
  td.actions {
    display: flex;
    gap: 8px;
    align-items: center;
  }
  td.actions button {
    padding: 3px 10px;
  }
  tr.opened > td {
    border-bottom-color: transparent;
  }
  tr.details > td {
    white-space: normal;
    padding-top: 0;
  }
  tr.details h3 {
    margin: 8px 0 4px;
    font-size: 1em;
  }
  .meta {
    margin: 4px 0;
    overflow-wrap: anywhere;
  }
  .attempts {
    margin: 0;
    padding-inline-start: 1.4em;
  }
  .attempts li {
    margin-bottom: 6px;
  }
  .attempts li > span,
  .attempts li > strong {
    margin-inline-end: 10px;
  }
  .attempts pre {
    margin-top: 4px;
    max-height: 10em;
  }
  .small {
    font-size: 0.9em;
  }
  @container (max-width: 599px) {
    td.time {
      order: -2;
      flex: 1 1 auto;
    }
    td.status {
      order: -1;
    }
    td.event,
    tr.details > td {
      flex-basis: 100%;
      min-width: 0;
    }
    td.actions {
      flex-basis: 100%;
      order: 3;
    }
  }
`;
