import { css } from 'lit';

/** The log's own look: the expander, the live switch, details, the tint of rows that arrived live, the test notification's panel. */
export const logsStyles = css`
  .live {
    align-items: center;
    gap: 4px 10px;
  }
  .live-state {
    font-size: 0.9em;
  }
  .live-state.on::before {
    content: '';
    display: inline-block;
    width: 8px;
    height: 8px;
    margin-inline-end: 6px;
    border-radius: 50%;
    background: var(--_success);
    animation: vkp-pulse 2s ease-in-out infinite;
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
  /* The caret: decoration, with no text for screen readers (the button says aria-expanded). */
  .expand::before {
    content: '▸' / '';
    color: var(--_muted);
    transition: transform 0.15s;
  }
  [aria-expanded='true']::before {
    transform: rotate(90deg);
  }
  .result [title] {
    cursor: help;
  }
  .result .bad {
    font-weight: 600;
  }
  tr.opened > td {
    border-bottom-color: transparent;
  }
  tr.details > td {
    white-space: normal;
    padding-top: 0;
  }
  .meta {
    margin: 4px 0 8px;
  }
  .notice.warning {
    border-inline-start-color: var(--_warning);
  }
  .payloads {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(16em, 1fr));
    gap: var(--_space);
  }
  .payloads h3 {
    font-size: 0.9em;
    color: var(--_muted);
    font-weight: 500;
    margin-bottom: 4px;
  }
  /* The test notification's panel: a line of its own under the heading, framed. */
  .sim {
    flex-basis: 100%;
    padding: calc(var(--_space) * 0.75);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .steps {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .steps .problems {
    margin: 2px 0 6px;
  }
  tr.fresh > td {
    animation: vkp-fresh 4s ease-out;
  }
  @keyframes vkp-fresh {
    from {
      background: color-mix(in srgb, var(--_accent) 22%, transparent);
    }
  }
  @keyframes vkp-pulse {
    50% {
      opacity: 0.35;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    tr.fresh > td,
    .live-state.on::before {
      animation: none;
    }
    tr.fresh > td:first-child {
      box-shadow: inset 3px 0 var(--_accent);
    }
  }
  /* A phone: time and result on the first line, the type on the second, the rest after. */
  @container (max-width: 599px) {
    td.time {
      order: -2;
      flex: 1 1 auto;
    }
    td.result {
      order: -1;
    }
    td.type,
    tr.details > td {
      flex-basis: 100%;
      min-width: 0;
    }
    tr.fresh {
      animation: vkp-fresh 4s ease-out; /* the cells are not painted as a row here */
    }
    td.ms {
      margin-inline-start: auto;
    }
    td.ms::after {
      content: ' ' attr(data-unit);
      color: var(--_muted);
    }
  }
`;
