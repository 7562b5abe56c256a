import { css } from 'lit';

/** What <vk-payments-settings> adds to the shared look (and components/outcome.ts): wide inputs, the testers' list. */
export const settingsStyles = css`
  select:disabled {
    opacity: 0.65;
  }
  .grow {
    flex: 1 1 14em;
  }
  .grow input,
  .grow textarea {
    width: 100%;
    box-sizing: border-box;
  }
  .hours {
    width: 6em;
  }
  .saved {
    align-self: center;
  }
  .hint {
    letter-spacing: 0.05em;
  }
  .notice {
    margin-top: calc(var(--_space) / 2);
  }
  details {
    margin-top: calc(var(--_space) / 2);
  }
  details pre {
    margin-top: 6px;
    max-height: 16em;
  }
  .summary,
  code {
    overflow-wrap: anywhere;
  }
  .testers {
    list-style: none;
    margin: calc(var(--_space) / 2) 0 0;
    padding: 0;
  }
  .testers li {
    display: flex;
    gap: calc(var(--_space) / 2);
    align-items: center;
    justify-content: space-between;
    padding: 8px 0;
    border-bottom: 1px solid var(--_border);
  }
  .testers li:last-child {
    border-bottom: 0;
  }
  .tester {
    display: grid;
    min-width: 0;
    overflow-wrap: anywhere;
  }
`;
