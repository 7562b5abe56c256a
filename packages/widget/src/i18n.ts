/**
 * Locales and the texts every view shares. Russian first: VK's developers mostly read Russian
 * (ARCHITECTURE.md §6). Each view keeps its own texts beside it (`<view>.strings.ts`), as `{ ru, en }`
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

/** `n` and the Russian noun form that goes with it: «1 голос», «3 голоса», «5 голосов». */
export function ruCount(n: number, one: string, few: string, many: string): string {
  const form = ruPlural.select(n);
  return `${n.toLocaleString('ru')} ${form === 'one' ? one : form === 'few' ? few : many}`;
}

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
  add: 'Добавить',
  remove: 'Удалить',
  copy: 'Копировать',
  copied: 'Скопировано',
  more: 'Показать ещё',
  from: 'С',
  to: 'По',
  user: 'Пользователь',
  test: 'тест',
  downloadCsv: 'Скачать CSV',
  downloading: 'Скачивание…',
  csvFailed: 'Не удалось скачать CSV',
  votes: (n: number): string => ruCount(n, 'голос', 'голоса', 'голосов'),
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
  add: 'Add',
  remove: 'Remove',
  copy: 'Copy',
  copied: 'Copied',
  more: 'Show more',
  from: 'From',
  to: 'To',
  user: 'User',
  test: 'test',
  downloadCsv: 'Download CSV',
  downloading: 'Downloading…',
  csvFailed: 'Could not download the CSV',
  votes: (n: number): string => `${n.toLocaleString('en')} ${n === 1 ? 'vote' : 'votes'}`,
};

export const COMMON = { ru, en };

export function formatDateTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso));
}

export function formatDate(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(new Date(iso));
}
