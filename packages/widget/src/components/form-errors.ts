/**
 * Where a failed save is shown, and in which words. A BAD_USER_INPUT names its field and reason
 * (`extensions.field`, `extensions.params`): it goes under that field when the form has it, worded by
 * the widget (error-texts.ts); anything else (FORBIDDEN, CONFLICT, a network failure) goes to the
 * form's fallback place.
 */
import { API_ERROR_CODES } from '@vk-payments/shared';
import { html, nothing, type TemplateResult } from 'lit';
import { GraphQLClientError } from '../client/graphql-client.js';
import type { Locale } from '../i18n.js';
import { errorText } from './error-texts.js';

/** Field → message, as views keep them. */
export type FieldErrors = Record<string, string>;

/** `err` in the user's words: the widget's own text for its code and reason, else its message. */
export function describeError(err: unknown, locale: Locale): string {
  if (err instanceof GraphQLClientError) return errorText(locale, err.code, err.params, err.message, err.reason);
  return err instanceof Error ? err.message : String(err);
}

/**
 * The form's field `err` is about, of `fields`: the API's field may go deeper than the form's
 * (`platforms.0`), and the form knows the part it shows.
 */
export function fieldOf(err: unknown, fields: readonly string[]): string | undefined {
  if (!(err instanceof GraphQLClientError) || err.code !== API_ERROR_CODES.BAD_USER_INPUT) return undefined;
  return err.field?.split('.').find((f) => fields.includes(f));
}

/**
 * One entry for `err`: under its own field when the server named one of `fields`, else under
 * `fallback`. FORBIDDEN is explained with `forbidden` rather than the server's role wording.
 */
export function errorFor(err: unknown, fields: readonly string[], fallback: string, forbidden: string, locale: Locale): FieldErrors {
  if (err instanceof GraphQLClientError && err.code === API_ERROR_CODES.FORBIDDEN) return { [fallback]: forbidden };
  return { [fieldOf(err, fields) ?? fallback]: describeError(err, locale) };
}

/**
 * The attributes an input needs for its error (`aria-invalid`, `aria-describedby`) are set by the
 * view; this renders the message they point at, `<id>-error`, or nothing.
 */
export function fieldError(id: string, message: string | undefined): TemplateResult | typeof nothing {
  return message ? html`<p class="field-error" id="${id}-error" part="field-error">${message}</p>` : nothing;
}
