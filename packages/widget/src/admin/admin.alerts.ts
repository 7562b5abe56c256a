/**
 * The banner above the shell's tabs: what needs attention in the open app now, from the server's `alerts`
 * (the conditions of the Prometheus rules, counted for this app: README "Alerts"). Critical first, as
 * the server orders them. Nothing is shown when all is well.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { AdminAlertsQuery } from '../generated/operations.js';
import type { Locale } from '../i18n.js';
import { alertStrings } from './admin.alerts.strings.js';

export const ALERTS = 'query($id:Int!){alerts(vkAppId:$id){code severity count countCapped windowSeconds thresholdSeconds}}';

export type AppAlert = AdminAlertsQuery['alerts'][number];

/** The banner for `alerts`, in `locale`; nothing when there are none. */
export function alertsBanner(alerts: readonly AppAlert[] | undefined, locale: Locale): TemplateResult | typeof nothing {
  if (!alerts?.length) return nothing;
  const t = alertStrings[locale];
  return html`<section class="alerts" part="alerts" aria-label=${t.title}>
    <ul>
      ${alerts.map(
        (a) =>
          html`<li class="notice ${a.severity === 'CRITICAL' ? 'error' : 'warning'}" part="alert" data-code=${a.code}>
            <strong class="severity">${t.severity[a.severity]}:</strong> ${t.text[a.code](a)}
          </li>`,
      )}
    </ul>
  </section>`;
}
