import { css } from 'lit';

/**
 * Rules the form-heavy views (settings, moderation) share beyond the theme's `base`: a readable
 * measure on wide pages, a heading only screen readers need, small print, the `<details>` toggles.
 */
export const viewStyles = css`
  .section > * {
    max-width: 48em;
  }
  .section:first-of-type {
    padding-top: 0;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .small {
    font-size: 0.9em;
  }
  summary {
    cursor: pointer;
    color: var(--_accent);
  }
`;
