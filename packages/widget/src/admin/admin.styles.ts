import { css } from 'lit';

/*
 * Each public `--vkp-*` property falls back to a private `--_*` default, and only the private ones
 * switch with the theme. So a host page may set `--vkp-*` anywhere up the tree (even on :root) and it
 * wins in both themes; to tune one theme only, set it under `vk-payments-admin[theme=dark]` or a
 * `prefers-color-scheme` query.
 */
const dark = css`
  --_bg: #19191a;
  --_surface: #232324;
  --_text: #e1e3e6;
  --_muted: #909499;
  --_border: #363738;
  --_accent: #71aaeb;
  --_success: #5fc35f;
  --_danger: #ff6b6b;
  --_badge-bg: #4a3a12;
  --_badge-text: #ffc94d;
  color-scheme: dark;
`;

export const adminStyles = css`
  :host {
    --_bg: #ffffff;
    --_surface: #f5f6f8;
    --_text: #1c1c1e;
    --_muted: #6d7885;
    --_border: #dce1e6;
    --_accent: #2688eb;
    --_success: #2e8b2e;
    --_danger: #d83a3a;
    --_badge-bg: #fff1cc;
    --_badge-text: #7a5200;
    color-scheme: light;

    display: block;
    font-family: var(--vkp-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--vkp-font-size, 14px);
    line-height: 1.4;
    color: var(--vkp-color-text, var(--_text));
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  :host([hidden]) {
    display: none;
  }

  [part='base'] {
    box-sizing: border-box;
    padding: var(--vkp-space, 16px);
    background: var(--vkp-color-bg, var(--_bg));
    border: 1px solid var(--vkp-color-border, var(--_border));
    border-radius: var(--vkp-radius, 12px);
  }

  [part='header'] {
    padding-bottom: var(--vkp-space, 16px);
    margin-bottom: var(--vkp-space, 16px);
    border-bottom: 1px solid var(--vkp-color-border, var(--_border));
  }
  h2,
  h3 {
    margin: 0;
  }
  h2 {
    font-size: 1.3em;
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  h3 {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0 8px;
    margin-bottom: 8px;
    font-size: 1.07em;
    font-weight: 600;
  }
  .muted {
    color: var(--vkp-color-muted, var(--_muted));
    font-size: 0.93em;
    font-weight: 400;
  }

  [part='settings'] {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 4px 12px;
    margin: 12px 0 0;
    font-size: 0.93em;
  }
  dt {
    color: var(--vkp-color-muted, var(--_muted));
  }
  dd {
    margin: 0;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  code {
    font-family: ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    font-size: 0.93em;
  }

  .scroll {
    overflow-x: auto;
    container-type: inline-size;
  }
  [part='table'] {
    width: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  th {
    padding: 6px;
    text-align: start;
    font-size: 0.86em;
    font-weight: 500;
    color: var(--vkp-color-muted, var(--_muted));
    background: var(--vkp-color-surface, var(--_surface));
  }
  td {
    padding: 8px 6px;
    vertical-align: top;
    border-bottom: 1px solid var(--vkp-color-border, var(--_border));
  }
  th:first-child,
  td:first-child {
    padding-inline-start: 8px;
  }
  .num {
    text-align: end;
  }
  a {
    color: var(--vkp-color-accent, var(--_accent));
    text-decoration: none;
  }
  a:hover {
    text-decoration: underline;
  }

  .unit {
    display: none;
  }
  /* Too narrow for five columns (a phone): each payment becomes a two-line card. */
  @container (max-width: 440px) {
    thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    tr {
      display: grid;
      grid-template-columns: auto 1fr auto;
      grid-template-areas: 'item item votes' 'time user status';
      gap: 2px 12px;
      padding: 10px 0;
      border-bottom: 1px solid var(--vkp-color-border, var(--_border));
    }
    td,
    td:first-child {
      display: block;
      padding: 0;
      border: 0;
    }
    .item {
      grid-area: item;
      font-weight: 500;
    }
    .votes {
      grid-area: votes;
    }
    .unit {
      display: inline;
    }
    .time {
      grid-area: time;
    }
    .user {
      grid-area: user;
    }
    .time,
    .user {
      font-size: 0.93em;
      color: var(--vkp-color-muted, var(--_muted));
    }
    .status {
      grid-area: status;
      text-align: end;
    }
  }
  [part~='status'] {
    white-space: nowrap;
    color: var(--vkp-color-success, var(--_success));
  }
  [part~='status-refunded'] {
    color: var(--vkp-color-danger, var(--_danger));
  }
  [part='badge'] {
    display: inline-block;
    margin-inline-start: 4px;
    padding: 0 6px;
    border-radius: 999px;
    font-size: 0.79em;
    line-height: 1.6;
    background: var(--vkp-color-badge-bg, var(--_badge-bg));
    color: var(--vkp-color-badge-text, var(--_badge-text));
  }

  [part='message'] {
    margin: 0;
    color: var(--vkp-color-muted, var(--_muted));
  }
  [part='error'] {
    padding: 12px;
    border-radius: calc(var(--vkp-radius, 12px) / 2);
    border-inline-start: 3px solid var(--vkp-color-danger, var(--_danger));
    background: var(--vkp-color-surface, var(--_surface));
  }
  [part='error'] strong {
    display: block;
    color: var(--vkp-color-danger, var(--_danger));
  }
  [part='error'] p {
    margin: 4px 0 0;
  }
`;
