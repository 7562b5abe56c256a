/**
 * The filter pieces the log and the transactions share: their texts, the filter as the form holds it,
 * and the checks made before anything is sent (a user id is a number, "to" is not before "from").
 */
import type { Locale } from '../i18n.js';
import { parseUserId } from './filters.js';

const ru = {
  filters: 'Фильтры',
  userId: 'ID пользователя',
  apply: 'Применить',
  reset: 'Сбросить',
  badUserId: 'Введите числовой ID пользователя ВКонтакте.',
  badPeriod: 'Дата «По» раньше даты «С».',
  /** "Показано 20 из 135". */
  shown: 'Показано',
  of: 'из',
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
    shown: 'Showing',
    of: 'of',
  },
};

export const listTexts = (locale: Locale): ListTexts => LIST_TEXTS[locale];

/**
 * The filter as the form holds it: its non-empty fields, trimmed (a checked checkbox is present, an
 * unchecked one absent), so an untouched form equals no filter at all.
 */
export type Filter = Partial<Record<string, string>>;

/** Messages by input name. */
export type Invalid = Partial<Record<string, string>>;

export function formValues(form: HTMLFormElement): Filter {
  // Text fields only (a file input has no filter to give), empty ones left out.
  const entries = [...new FormData(form)].flatMap(([k, v]) => (typeof v === 'string' && v.trim() ? [[k, v.trim()] as const] : []));
  return Object.fromEntries(entries);
}

/** What is wrong with the user id and the period before they are sent; empty when nothing. */
export function checkFilter({ user, from, to }: Filter, t: ListTexts): Invalid {
  return {
    ...(parseUserId(user) === null && { user: t.badUserId }),
    ...(from && to && to < from && { to: t.badPeriod }), // ISO dates compare as strings
  };
}
