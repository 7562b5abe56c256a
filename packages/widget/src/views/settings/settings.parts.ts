/** A piece of <vk-payments-settings> that needs no state of its own: the URL check's result. */
import { html, nothing, type TemplateResult } from 'lit';
import { outcome, problems } from '../../components/outcome.js';
import type { SettingsStrings } from './settings.strings.js';
import type { NotificationUrlCheck } from './settings.types.js';

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
      ${c.responseBody === null
        ? nothing
        : html`<details>
            <summary>${t.answer}</summary>
            <pre>${c.responseBody}</pre>
          </details>`}`,
  );
}
