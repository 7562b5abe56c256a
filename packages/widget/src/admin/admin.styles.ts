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
  [part~='panel'] {
    padding-top: var(--_space);
  }
`;
