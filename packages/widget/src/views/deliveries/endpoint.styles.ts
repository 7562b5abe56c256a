import { css } from 'lit';

/** The webhook's settings: a compact block above the deliveries, the new secret boxed and monospaced. */
export const endpointStyles = css`
  :host {
    display: block;
    margin-bottom: var(--_space);
  }
  /* A framed block: the webhook's settings, apart from the list of what was sent to it. */
  .section {
    padding: calc(var(--_space) * 0.75);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  form {
    display: grid;
    gap: 8px;
    margin-bottom: 8px;
  }
  form label:not(.check) {
    display: grid;
    gap: 4px;
  }
  input[type='url'] {
    width: 100%;
    box-sizing: border-box;
  }
  label.check {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    color: var(--_text);
  }
  .facts {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 4px 12px;
    margin: 0;
  }
  .facts dt {
    color: var(--_muted);
  }
  .facts dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .secret {
    margin-bottom: var(--_space);
  }
  .secret input {
    flex: 1 1 16em;
    min-width: 0;
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  }
  .secret p {
    margin: 6px 0 0;
  }
  @container (max-width: 599px) {
    .facts {
      grid-template-columns: 1fr;
    }
  }
`;
