/**
 * The outcome of a check, as the settings' URL check and the log's test notification show it — laid out
 * like a webhook dashboard's delivery attempt: a framed box whose stripe and verdict take the tone, the
 * verdict's line (announced), then the details; what VK would object to goes in a `problems()` list.
 * (Not `.check`: that is the checkbox label's class, list-styles.ts.)
 */
import { css, html, type TemplateResult } from 'lit';

export type Tone = 'ok' | 'warn' | 'bad';

export function outcome(tone: Tone, part: string, head: unknown, body: unknown): TemplateResult {
  return html`<div class="outcome tone-${tone}" part=${part}>
    <p class="outcome-head" role="status">${head}</p>
    ${body}
  </div>`;
}

export function problems(list: readonly string[]): TemplateResult {
  return html`<ul class="problems">
    ${list.map((p) => html`<li>${p}</li>`)}
  </ul>`;
}

export const outcomeStyles = css`
  .outcome {
    margin-top: calc(var(--_space) * 0.75);
    padding: calc(var(--_space) * 0.75);
    border: 1px solid var(--_border);
    border-inline-start: 3px solid var(--_tone);
    border-radius: var(--_radius);
  }
  /* The tone colours the stripe and the verdict only; the rest stays in the text colour. */
  .tone-ok {
    --_tone: var(--_success);
  }
  .tone-warn {
    --_tone: var(--_warning);
  }
  .tone-bad {
    --_tone: var(--_danger);
  }
  .verdict {
    color: var(--_tone);
  }
  .outcome-head {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 12px;
    align-items: baseline;
  }
  .problems {
    margin: 0 0 calc(var(--_space) / 2);
    padding-inline-start: 1.2em;
    overflow-wrap: anywhere;
  }
`;
