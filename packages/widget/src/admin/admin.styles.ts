import { css } from 'lit';

export const adminStyles = css`
  [part='base'] {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
    background: var(--_bg);
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 4px 12px;
    margin-bottom: calc(var(--_space) / 2);
  }
  header h2 {
    margin: 0;
  }
  .alerts ul {
    list-style: none;
    margin: 0 0 calc(var(--_space) / 2);
    padding: 0;
    display: grid;
    gap: 6px;
  }
  .notice.warning {
    border-inline-start-color: var(--_warning);
  }
  .alerts .error .severity {
    color: var(--_danger);
  }
  .alerts .warning .severity {
    color: var(--_warning);
  }
  [part~='panel'] {
    padding-top: var(--_space);
  }
`;
