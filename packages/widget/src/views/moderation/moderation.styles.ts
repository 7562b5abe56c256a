import { css } from 'lit';

/** What <vk-payments-moderation> adds to the shared look: status badges, the requirements, the form. */
export const moderationStyles = css`
  h4 {
    margin: calc(var(--_space) / 2) 0 4px;
    font-weight: 600;
  }
  .enabled {
    max-width: 48em;
    border-inline-start-color: var(--_success);
    margin-bottom: var(--_space);
  }
  /* A status badge: the tone's colour on a faint wash of it, readable in light and dark alike. */
  .status {
    --_tone: var(--_muted);
    display: inline-block;
    padding: 1px 8px;
    border-radius: 999px;
    font-size: 0.85em;
    font-weight: 600;
    color: var(--_tone);
    background: color-mix(in srgb, var(--_tone) 10%, transparent);
  }
  .status-pending {
    --_tone: var(--_warning);
  }
  .status-approved {
    --_tone: var(--_success);
  }
  .status-rejected {
    --_tone: var(--_danger);
  }
  .request {
    margin-bottom: calc(var(--_space) * 0.75);
  }
  .request-head {
    display: flex;
    gap: 8px;
    align-items: center;
  }
  dl {
    margin: 0;
  }
  dt {
    color: var(--_muted);
    font-size: 0.9em;
  }
  dd {
    margin: 0 0 6px;
    overflow-wrap: anywhere;
  }
  /* What people wrote keeps its line breaks. */
  .comment,
  .text {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  details .request {
    margin-top: calc(var(--_space) * 0.75);
    padding-top: calc(var(--_space) * 0.75);
    border-top: 1px solid var(--_border);
  }
  .checks {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .checks li {
    display: flex;
    gap: 8px;
    padding: 4px 0;
  }
  .mark {
    flex: none;
    width: 1.1em;
    font-weight: 700;
  }
  .required {
    display: inline-block;
    margin-inline-start: 4px;
    padding: 0 6px;
    border: 1px solid var(--_border);
    border-radius: 999px;
    color: var(--_muted);
    font-size: 0.8em;
    white-space: nowrap;
  }
  form,
  .decide {
    display: grid;
    gap: 6px;
  }
  form {
    justify-items: start;
  }
  form > label,
  textarea,
  fieldset {
    width: 100%;
    box-sizing: border-box;
  }
  fieldset {
    margin: 0;
    padding: 8px 12px;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.8);
  }
  fieldset[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  legend {
    padding: 0 4px;
    color: var(--_muted);
    font-size: 0.9em;
  }
  label.choice {
    display: flex;
    gap: 8px;
    align-items: baseline;
    padding: 3px 0;
    color: var(--_text);
    font-size: 1em;
  }
  .hint {
    margin: 0;
    font-size: 0.85em;
  }
  form button {
    margin-top: 6px;
  }
  .notice ul {
    margin: 4px 0 0;
    padding-inline-start: 1.2em;
  }
  .decide {
    margin-top: calc(var(--_space) * 0.75);
    padding: calc(var(--_space) * 0.75);
    border: 1px dashed var(--_border);
    border-radius: var(--_radius);
  }
  .decide h4 {
    margin-top: 0;
  }
`;
