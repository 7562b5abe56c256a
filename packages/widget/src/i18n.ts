/**
 * Locales and the texts every view shares. Russian first: VK's developers mostly read Russian
 * (DESIGN.md §8). Each view keeps its own texts beside it (`<view>.strings.ts`), as `{ ru, en }`
 * tables of the same shape; no i18n library, to keep the embed small.
 */
export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const toLocale = (value: unknown): Locale => (value === 'en' ? 'en' : 'ru');

/** The table of `locale`, typed by the Russian one (the reference). */
export function pick<T>(tables: { ru: T; en: T }, locale: Locale): T {
  return tables[locale];
}

const ruPlural = new Intl.PluralRules('ru');

const ru = {
  loading: 'Загрузка…',
  needConfig: 'Укажите атрибуты endpoint и app-id.',
  unauthenticatedTitle: 'Токен отсутствует или истёк',
  unauthenticatedHint: 'Получите новый токен доступа: сессия виджета живёт недолго.',
  forbiddenTitle: 'Нет доступа',
  forbiddenHint: 'Этот раздел доступен создателю приложения и администраторам с правом «Платежи».',
  errorTitle: 'Не удалось загрузить данные',
  retry: 'Повторить',
  save: 'Сохранить',
  saving: 'Сохранение…',
  saved: 'Сохранено',
  cancel: 'Отмена',
  add: 'Добавить',
  remove: 'Удалить',
  copy: 'Копировать',
  copied: 'Скопировано',
  more: 'Показать ещё',
  empty: 'Пока ничего нет.',
  from: 'С',
  to: 'По',
  user: 'Пользователь',
  test: 'тест',
  downloadCsv: 'Скачать CSV',
  votes: (n: number): string => {
    const form = ruPlural.select(n);
    return `${n.toLocaleString('ru')} ${form === 'one' ? 'голос' : form === 'few' ? 'голоса' : 'голосов'}`;
  },
};

export type CommonStrings = typeof ru;

const en: CommonStrings = {
  loading: 'Loading…',
  needConfig: 'Set the endpoint and app-id attributes.',
  unauthenticatedTitle: 'Token missing or expired',
  unauthenticatedHint: 'Get a new access token: widget sessions are short-lived.',
  forbiddenTitle: 'No access',
  forbiddenHint: 'This section is for the app creator and admins with the Payments right.',
  errorTitle: 'Could not load the data',
  retry: 'Retry',
  save: 'Save',
  saving: 'Saving…',
  saved: 'Saved',
  cancel: 'Cancel',
  add: 'Add',
  remove: 'Remove',
  copy: 'Copy',
  copied: 'Copied',
  more: 'Show more',
  empty: 'Nothing yet.',
  from: 'From',
  to: 'To',
  user: 'User',
  test: 'test',
  downloadCsv: 'Download CSV',
  votes: (n: number): string => `${n.toLocaleString('en')} ${n === 1 ? 'vote' : 'votes'}`,
};

export const COMMON = { ru, en };

export function formatDateTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso));
}

export function formatDate(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(new Date(iso));
}
