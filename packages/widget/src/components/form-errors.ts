/**
 * Where a failed save is shown. The server names the field of a BAD_USER_INPUT in its message
 * ("notificationUrl: must be an absolute http(s) URL", see the server's `parseInput`), and the client
 * error carries only code and message, so the field is read back from that prefix; anything else
 * (FORBIDDEN, CONFLICT, a network failure) goes to the form's fallback place.
 */
import { API_ERROR_CODES } from '@vk-payments/shared';
import { html, nothing, type TemplateResult } from 'lit';
import { GraphQLClientError } from '../client/graphql-client.js';

/** Field → message, as views keep them. */
export type FieldErrors = Record<string, string>;

/**
 * One entry for `err`: under its own field when the server named one of `fields`, else under
 * `fallback`. FORBIDDEN is explained with `forbidden` rather than the server's role wording.
 */
export function errorFor(err: unknown, fields: readonly string[], fallback: string, forbidden: string): FieldErrors {
  if (err instanceof GraphQLClientError) {
    if (err.code === API_ERROR_CODES.FORBIDDEN) return { [fallback]: forbidden };
    // The path may go deeper than the field ("platforms.0: must be one of …"): the field is the part the view knows.
    const m = err.code === API_ERROR_CODES.BAD_USER_INPUT ? /^([\w.]+): (.+)$/s.exec(err.message) : null;
    const field = m?.[1]!.split('.').find((f) => fields.includes(f));
    if (field) return { [field]: m![2]! };
  }
  return { [fallback]: err instanceof Error ? err.message : String(err) };
}

/**
 * The attributes an input needs for its error (`aria-invalid`, `aria-describedby`) are set by the
 * view; this renders the message they point at, `<id>-error`, or nothing.
 */
export function fieldError(id: string, message: string | undefined): TemplateResult | typeof nothing {
  return message ? html`<p class="field-error" id="${id}-error" part="field-error">${message}</p>` : nothing;
}

