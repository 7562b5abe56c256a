/**
 * The widget's own words for a failed request, in ru and en: for each code, and for BAD_USER_INPUT for
 * each reason the server gives in `extensions.params` (with its numbers), and for CONFLICT for each
 * state in the way (`extensions.reason`). The server's English message is shown only when the widget
 * has no words for the failure.
 */
import { ITEM_LIMITS, type InputErrorParams, type InputReason } from '@vk-payments/shared';
import { ruCount, type Locale } from '../i18n.js';

type Say = (p: InputErrorParams) => string;

interface ErrorTexts {
  reasons: Record<InputReason, Say>;
  /** CONFLICT by `extensions.reason`. */
  conflicts: Record<string, string>;
  /** Texts by `step`, `rule` or `format` (of `needsStep`, `notAllowed`, `invalidFormat`); the reason's text otherwise. */
  details: Record<string, string>;
  codes: Record<string, string>;
}

const list = (p: InputErrorParams): string => (p.values ?? []).join(', ');

const ru: ErrorTexts = {
  reasons: {
    required: () => 'Заполните поле',
    tooShort: (p) => `Не короче ${ruCount(p.min!, 'символа', 'символов', 'символов')}`,
    tooLong: (p) => `Не длиннее ${ruCount(p.max!, 'символа', 'символов', 'символов')}`,
    tooSmall: (p) => `Не меньше ${p.min}`,
    tooLarge: (p) => `Не больше ${p.max}`,
    outOfRange: (p) => `От ${p.min} до ${p.max}`,
    tooFew: (p) => `Выберите хотя бы ${p.min}`,
    tooMany: (p) => `Не больше ${p.max}`,
    notInteger: () => 'Нужно целое число',
    notOneOf: (p) => `Одно из: ${list(p)}`,
    invalidUrl: () => 'Нужен полный адрес: http:// или https://…',
    urlCredentials: () => 'Без логина и пароля в адресе: VK показывает его в панели',
    privateAddress: () => 'Локальный или внутренний адрес: сервер не обращается к таким',
    spaces: () => 'Без пробелов и переносов строк',
    invalidFormat: () => 'Неверный формат',
    inFuture: () => 'Дата ещё не наступила',
    notAfterFrom: () => 'Конец раньше начала',
    resultTooLarge: (p) => `Слишком много: больше ${p.max}; сократите период`,
    notLessThan: (p) => `Должно быть меньше, чем ${p.than}`,
    unchanged: () => 'Это текущее значение: вставьте новое',
    needsStep: () => 'Сначала нужен другой шаг',
    notAllowed: () => 'Здесь так нельзя',
    incomplete: () => 'Запрос сохранён не целиком: вставьте его как был отправлен',
    invalid: () => 'Неверное значение',
  },
  conflicts: {
    NOTIFICATION_URL_NOT_SET: 'Сначала укажите URL уведомлений во вкладке «Настройки»',
    REQUEST_PENDING: 'Заявка уже на рассмотрении: отзовите её или дождитесь решения',
    NOT_PENDING: 'Заявка уже не на рассмотрении',
  },
  details: {
    setNotificationUrl: 'Сначала сохраните URL уведомлений',
    overlapZero: 'Текущий ключ не расшифровать: замените ключ с перекрытием 0 ч',
    apiVersionLocked: 'Выбор версии — для приложений, зарегистрированных до января 2024 года',
    itemId: `Латиница, цифры и _ . : -, не длиннее ${ITEM_LIMITS.itemMaxLength} символов`,
    originHasPath: 'Только источник, https://хост[:порт]: без пути, запроса и #',
    originNotHttps: 'Нужен https (http — только для localhost и 127.0.0.1)',
    originWildcard: 'Звёздочка — только в начале: https://*.example.com',
  },
  codes: {
    NOT_FOUND: 'Не найдено',
    RATE_LIMITED: 'Слишком много запросов: подождите немного',
    NETWORK_ERROR: 'Нет связи с сервером',
    BAD_RESPONSE: 'Сервер ответил не так, как ожидалось',
    INTERNAL_SERVER_ERROR: 'Ошибка на сервере',
  },
};

const en: ErrorTexts = {
  reasons: {
    required: () => 'Required',
    tooShort: (p) => `At least ${p.min} characters`,
    tooLong: (p) => `At most ${p.max} characters`,
    tooSmall: (p) => `At least ${p.min}`,
    tooLarge: (p) => `At most ${p.max}`,
    outOfRange: (p) => `From ${p.min} to ${p.max}`,
    tooFew: (p) => `Choose at least ${p.min}`,
    tooMany: (p) => `At most ${p.max}`,
    notInteger: () => 'A whole number',
    notOneOf: (p) => `One of: ${list(p)}`,
    invalidUrl: () => 'A full http:// or https://… address',
    urlCredentials: () => 'No user name or password in the address: VK shows it in its panel',
    privateAddress: () => 'A local or internal address: the server does not call those',
    spaces: () => 'No spaces or line breaks',
    invalidFormat: () => 'Wrong format',
    inFuture: () => 'A date still to come',
    notAfterFrom: () => 'The end is before the start',
    resultTooLarge: (p) => `Too many: over ${p.max}; shorten the period`,
    notLessThan: (p) => `Must be less than ${p.than}`,
    unchanged: () => 'This is the current value: paste a new one',
    needsStep: () => 'Another step comes first',
    notAllowed: () => 'Not allowed here',
    incomplete: () => 'The request was not stored whole: paste it as it was sent',
    invalid: () => 'Invalid value',
  },
  conflicts: {
    NOTIFICATION_URL_NOT_SET: 'Set the notification URL in the Settings tab first',
    REQUEST_PENDING: 'An application is already pending: withdraw it or wait for the decision',
    NOT_PENDING: 'The application is no longer pending',
  },
  details: {
    setNotificationUrl: 'Save the notification URL first',
    overlapZero: 'The current key cannot be decrypted: replace the key with a 0 h overlap',
    apiVersionLocked: 'Choosing a version is for apps registered before January 2024',
    itemId: `Latin letters, digits and _ . : -, at most ${ITEM_LIMITS.itemMaxLength} characters`,
    originHasPath: 'An origin only, https://host[:port]: no path, query or #',
    originNotHttps: 'https is needed (http only for localhost and 127.0.0.1)',
    originWildcard: 'A wildcard only at the start: https://*.example.com',
  },
  codes: {
    NOT_FOUND: 'Not found',
    RATE_LIMITED: 'Too many requests: wait a little',
    NETWORK_ERROR: 'The server cannot be reached',
    BAD_RESPONSE: 'The server answered unexpectedly',
    INTERNAL_SERVER_ERROR: 'A server error',
  },
};

const TEXTS = { ru, en };

/**
 * What to tell the user about a failure with `code` (and `params` of a BAD_USER_INPUT, `reason` of a
 * CONFLICT), in `locale`; `message` (the server's) when the widget has no words of its own for it.
 */
export function errorText(
  locale: Locale,
  code: string | undefined,
  params: InputErrorParams | undefined,
  message: string,
  reason?: string,
): string {
  const t = TEXTS[locale];
  if (code === 'CONFLICT' && reason && t.conflicts[reason]) return t.conflicts[reason];
  if (params)
    return t.details[params.step ?? params.rule ?? params.format ?? ''] ?? (t.reasons[params.reason] ?? t.reasons.invalid)(params);
  return (code && t.codes[code]) || message;
}
