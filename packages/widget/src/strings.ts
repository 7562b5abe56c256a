/**
 * Every text the widget shows, per locale. Russian first: VK's developers mostly read Russian
 * (DESIGN.md §8). A plain table instead of an i18n library keeps the embed small.
 */
export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const ruPlural = new Intl.PluralRules('ru');

const ru = {
  needConfig: 'Укажите атрибуты endpoint и app-id.',
  loading: 'Загрузка…',
  unauthenticatedTitle: 'Токен отсутствует или истёк',
  unauthenticatedHint: 'Получите новый токен доступа и передайте его в атрибуте token.',
  errorTitle: 'Не удалось загрузить данные',
  vkApp: 'Приложение VK',
  endpointUrl: 'Адрес для VK',
  notificationUrl: 'Адрес уведомлений',
  notSet: 'не указан',
  secretKey: 'Секретный ключ',
  apiVersion: 'Версия API',
  transactions: 'Последние платежи',
  shownOf: (shown: number, total: number): string => `${shown} из ${total}`,
  empty: 'Платежей пока нет.',
  time: 'Время',
  user: 'Пользователь',
  item: 'Товар',
  votes: 'Голоса',
  votesUnit: (n: number): string => {
    const form = ruPlural.select(n);
    return form === 'one' ? 'голос' : form === 'few' ? 'голоса' : 'голосов';
  },
  status: 'Статус',
  CHARGEABLE: 'Оплачен',
  REFUNDED: 'Возвращён',
  test: 'тест',
  testTitle: 'Тестовый платёж: голоса не списывались',
};

export type Strings = typeof ru;

const en: Strings = {
  needConfig: 'Set the endpoint and app-id attributes.',
  loading: 'Loading…',
  unauthenticatedTitle: 'The token is missing or expired',
  unauthenticatedHint: 'Get a new access token and pass it in the token attribute.',
  errorTitle: 'Could not load the data',
  vkApp: 'VK app',
  endpointUrl: 'Endpoint for VK',
  notificationUrl: 'Notification URL',
  notSet: 'not set',
  secretKey: 'Secret key',
  apiVersion: 'API version',
  transactions: 'Latest payments',
  shownOf: (shown, total) => `${shown} of ${total}`,
  empty: 'No payments yet.',
  time: 'Time',
  user: 'User',
  item: 'Item',
  votes: 'Votes',
  votesUnit: (n) => (n === 1 ? 'vote' : 'votes'),
  status: 'Status',
  CHARGEABLE: 'Paid',
  REFUNDED: 'Refunded',
  test: 'test',
  testTitle: 'Test payment: no votes were charged',
};

const TABLE: Record<Locale, Strings> = { ru, en };

/** Anything but a known locale falls back to Russian, so a typo never blanks the texts. */
export function toLocale(value: string | null | undefined): Locale {
  return LOCALES.find((l) => l === value?.toLowerCase()) ?? 'ru';
}

export function stringsFor(locale: Locale): Strings {
  return TABLE[locale];
}
