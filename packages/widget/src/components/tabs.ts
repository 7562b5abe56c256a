/**
 * The row of tabs the shell and the transactions share (the WAI-ARIA tabs pattern): the open tab holds
 * the one Tab stop; the arrow keys (round the ends), Home and End open another and move the focus to it.
 * The caller renders the panel, `id="panel"` labelled by `tab-<open>`.
 */
import { html, type TemplateResult } from 'lit';

export function tabs<T extends string>(
  names: readonly T[],
  open: T,
  label: string,
  text: (name: T) => unknown,
  select: (name: T) => void,
): TemplateResult {
  const onKey = (e: KeyboardEvent): void => {
    const n = names.length;
    const at = names.indexOf(open);
    const to = ({ ArrowRight: at + 1, ArrowLeft: at + n - 1, Home: 0, End: n - 1 } as Partial<Record<string, number>>)[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = names[to % n]!;
    select(next);
    // Every tab is rendered already: the focus can move before the update.
    (e.currentTarget as Element).querySelector<HTMLElement>(`#tab-${next}`)!.focus();
  };
  return html`<div class="tabs" part="tabs" role="tablist" aria-label=${label} @keydown=${onKey}>
    ${names.map(
      (name) =>
        html`<button role="tab" id="tab-${name}" part="tab ${name === open ? 'tab-selected' : ''}" aria-selected=${name === open} aria-controls="panel" tabindex=${name === open ? 0 : -1} @click=${() => select(name)}>
          ${text(name)}
        </button>`,
    )}
  </div>`;
}
