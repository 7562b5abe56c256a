/** Pieces of <vk-payments-settings> that need no state of their own: the URL check's result, the testers. */
import { html, nothing, type TemplateResult } from 'lit';
import { formatDateTime, type CommonStrings, type Locale } from '../../i18n.js';
import { outcome, problems } from '../../components/outcome.js';
import type { SettingsStrings } from './settings.strings.js';
import type { NotificationUrlCheck, PaymentTester } from './settings.types.js';

/**
 * What checkNotificationUrl found: verdict, HTTP status and time on one line, then why VK would refuse,
 * then the bodies to look at.
 */
export function renderCheck(c: NotificationUrlCheck, t: SettingsStrings): TemplateResult {
  // A healthy VK_ERROR (error 20 for the made-up item of an empty catalog) is `ok`: colour by `ok`, then by how bad.
  return outcome(
    c.ok ? 'ok' : c.verdict === 'VK_ERROR' ? 'warn' : 'bad',
    'check-result',
    html`<strong class="verdict">${c.ok ? '✓' : '✗'} ${t.verdicts[c.verdict]}</strong>
      <code class="muted">${c.verdict}</code>
      ${c.httpStatus === null ? nothing : html`<span>HTTP ${c.httpStatus}</span>`}
      <span class="muted">${Math.round(c.durationMs)} ${t.ms}</span>`,
    html`<p class="summary">${c.summary}</p>
      ${c.problems.length ? html`<p class="small"><strong>${t.problems}</strong></p>${problems(c.problems)}` : nothing}
      ${
        c.responseBody === null
          ? nothing
          : html`<details>
            <summary>${t.answer}</summary>
            <pre>${c.responseBody}</pre>
          </details>`
      }`,
  );
}

/** The payment testers, each with a link to their VK page and a Remove button; or a line saying there are none. */
export function renderTesters(
  testers: readonly PaymentTester[],
  {
    t,
    c,
    locale,
    busy,
    remove,
  }: { t: SettingsStrings; c: CommonStrings; locale: Locale; busy: boolean; remove: (vkUserId: number) => void },
): TemplateResult {
  if (!testers.length) return html`<p class="muted">${t.noTesters}</p>`;
  return html`<ul class="testers" part="testers">
    ${testers.map(
      (x) => html`<li>
        <div class="tester">
          <a href="https://vk.com/id${x.vkUserId}" target="_blank" rel="noopener noreferrer">id${x.vkUserId}</a>
          <span class="muted small">${t.addedBy(formatDateTime(x.addedAt, locale), x.addedBy)}</span>
        </div>
        <button class="danger" aria-label=${t.removeTester(x.vkUserId)} ?disabled=${busy} @click=${() => remove(x.vkUserId)}>${c.remove}</button>
      </li>`,
    )}
  </ul>`;
}

/** Copies the server's endpoint address; without a clipboard (an insecure page, a refused permission) selects it so Ctrl+C works. */
export async function copyEndpoint(url: string, input: HTMLInputElement | null): Promise<'ok' | 'failed'> {
  try {
    await navigator.clipboard.writeText(url);
    return 'ok';
  } catch {
    input?.select();
    return 'failed';
  }
}
