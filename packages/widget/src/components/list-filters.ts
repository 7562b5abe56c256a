/**
 * The filter pieces the log and the transactions share: their texts, a labelled input with its error,
 * the checks made before anything is sent (a user id is a number, "to" is not before "from"), and
 * where a BAD_USER_INPUT about a filter field is shown.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { GraphQLClientError } from '../client/graphql-client.js';
import type { Locale } from '../i18n.js';
import { periodReversed, parseUserId } from './filters.js';
import { errorFor, fieldError } from './form-errors.js';

const ru = {
  filters: 'Фильтры',
  userId: 'ID пользователя',
  apply: 'Применить',
  reset: 'Сбросить',
  badUserId: 'Введите числовой ID пользователя ВКонтакте.',
  badPeriod: 'Дата «По» раньше даты «С».',
  shown: (n: number, total: number): string => `Показано ${n.toLocaleString('ru')} из ${total.toLocaleString('ru')}`,
};

export type ListTexts = typeof ru;

const LIST_TEXTS: { ru: ListTexts; en: ListTexts } = {
  ru,
  en: {
    filters: 'Filters',
    userId: 'User ID',
    apply: 'Apply',
    reset: 'Reset',
    badUserId: 'Enter a numeric VK user ID.',
    badPeriod: '“To” is before “From”.',
    shown: (n, total) => `Showing ${n.toLocaleString('en')} of ${total.toLocaleString('en')}`,
  },
};

export const listTexts = (locale: Locale): ListTexts => LIST_TEXTS[locale];

/** Messages by input name. */
export type Invalid = Partial<Record<string, string>>;

/**
 * A labelled input and its error. The error sits outside the `<label>` (inside, it would become part
 * of the input's name). The value is not re-set on every render: what a person is typing survives a
 * list reload; it changes only with the applied filter, and a form reset clears it natively.
 */
export function field(name: string, label: string, type: 'text' | 'date', value: string, invalid: Invalid): TemplateResult {
  const id = `f-${name}`;
  const error = invalid[name];
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} name=${name} type=${type} .value=${value} inputmode=${type === 'text' ? 'numeric' : nothing} autocomplete="off"
      aria-invalid=${Boolean(error)} aria-describedby=${error ? `${id}-error` : nothing} />
    ${fieldError(id, error)}
  </div>`;
}

/** The Apply and Reset buttons; Reset only when there is something to reset. */
export function filterActions(t: ListTexts, canReset: boolean): TemplateResult {
  return html`<div class="actions">
    <button type="submit">${t.apply}</button>
    <button type="reset" class="secondary" ?hidden=${!canReset}>${t.reset}</button>
  </div>`;
}

/** What is wrong with the user id and the period before they are sent; empty when nothing. */
export function checkFilter(f: { user: string; from: string; to: string }, t: ListTexts): Invalid {
  return {
    ...(parseUserId(f.user) === null && { user: t.badUserId }),
    ...(periodReversed(f.from, f.to) && { to: t.badPeriod }),
  };
}

/** The server's names of filter fields, and the inputs they belong to. */
const SERVER_FIELDS: Record<string, string> = { vkUserId: 'user', orderId: 'order', from: 'from', to: 'to' };

/** A BAD_USER_INPUT that names a filter field, as `{ input: message }`; else nothing. */
export function serverInvalid(err: unknown): Invalid {
  if (!(err instanceof GraphQLClientError) || err.code !== 'BAD_USER_INPUT') return {};
  const [key, message] = Object.entries(errorFor(err, Object.keys(SERVER_FIELDS), '', ''))[0] ?? [];
  const input = key ? SERVER_FIELDS[key] : undefined;
  return input && message ? { [input]: message } : {};
}

/** The form's fields as trimmed strings (a checked checkbox is present, an unchecked one absent). */
export function formValues(form: HTMLFormElement): Record<string, string> {
  return Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v).trim()]));
}
