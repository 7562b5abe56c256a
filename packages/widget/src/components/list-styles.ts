/**
 * The look of a filtered, paged list that logs and transactions share: a heading with tools, a filter
 * form that folds into two columns on a phone, the pager, and tables that become stacked cards when
 * the element is narrow (a 6–8 column table does not fit 360 px; scrolling sideways hides the result).
 * In the narrow layout a cell with `data-label` shows its column's name before the value.
 * The heading, its tools, the form, its buttons and the pager are the theme's `.row`s (wrapping flex).
 */
import { css } from 'lit';

export const listStyles = css`
  :host {
    container-type: inline-size;
  }
  .head,
  .pager {
    column-gap: var(--_space);
    justify-content: space-between;
  }
  .head {
    align-items: start;
    margin-bottom: calc(var(--_space) / 2);
  }
  .head p {
    margin: 0;
  }
  .tools,
  .pager {
    align-items: center;
  }
  .pager {
    padding-top: calc(var(--_space) / 2);
  }
  .pager .notice {
    flex-basis: 100%;
  }
  /* A form of fields (the filters, the log's test notification). Flex, not grid: the buttons take
     whatever room the last row leaves, on a phone and on a desktop. */
  .fields {
    margin-bottom: var(--_space);
  }
  .fields > * {
    flex: 1 1 calc(var(--_size) * 9.5); /* two a row on a 360 px phone */
    align-self: start;
  }
  .field {
    display: grid;
    gap: 4px;
  }
  .fields input,
  .fields select {
    width: 100%;
    box-sizing: border-box;
  }
  .fields .actions {
    flex: 100 1 auto;
    align-self: end;
  }
  label.check {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    color: var(--_text);
    font-size: 1em;
    cursor: pointer;
  }
  label.check input {
    width: 1.1em;
    height: 1.1em;
    margin: 0;
    accent-color: var(--_accent);
  }
  .fields > label.check {
    flex: 0 1 auto;
    align-self: end;
    min-height: 2.4em;
  }
  td,
  th {
    white-space: nowrap;
  }
  .empty {
    text-align: center;
    padding: var(--_space);
    white-space: normal;
  }
  [aria-busy='true'] {
    opacity: 0.6;
  }
  @container (max-width: 599px) {
    thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    table,
    tbody {
      display: block;
    }
    tbody > tr {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 2px 12px;
      padding: 8px 2px;
      border-bottom: 1px solid var(--_border);
    }
    tbody > tr > td {
      display: block;
      padding: 0;
      border: 0;
    }
    td[data-label]::before {
      content: attr(data-label) ' ';
      color: var(--_muted);
    }
  }
`;
