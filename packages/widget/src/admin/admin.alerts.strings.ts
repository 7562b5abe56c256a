/** Texts of the alerts banner (admin.alerts.ts), Russian first; each alert worded from its code and numbers. */
import { ruCount, type Locale } from '../i18n.js';

export interface AlertNumbers {
  count: number;
  countCapped: boolean;
  windowSeconds?: number | null;
  thresholdSeconds?: number | null;
}

/** Over the count's cap the server stops counting: «более 1 000», "over 1,000". */
const ruN = (a: AlertNumbers, one: string, few: string, many: string): string =>
  a.countCapped ? `более ${ruCount(a.count, one, few, many)}` : ruCount(a.count, one, few, many);
const enN = (a: AlertNumbers, one: string, many: string): string =>
  `${a.countCapped ? 'over ' : ''}${a.count.toLocaleString('en')} ${a.count === 1 && !a.countCapped ? one : many}`;

const ruWindow = (s: number | null | undefined): string =>
  !s || s === 3600 ? 'за последний час' : s % 3600 === 0 ? `за последние ${s / 3600} ч` : `за последние ${Math.round(s / 60)} мин`;
const enWindow = (s: number | null | undefined): string =>
  !s || s === 3600 ? 'in the last hour' : s % 3600 === 0 ? `in the last ${s / 3600} h` : `in the last ${Math.round(s / 60)} min`;

const minutes = (s: number | null | undefined): number => Math.round((s ?? 900) / 60);

const ru = {
  title: 'Требует внимания',
  severity: { CRITICAL: 'Важно', WARNING: 'Внимание' },
  text: {
    BAD_SIGNATURES: (a: AlertNumbers) =>
      `${ruN(a, 'уведомление', 'уведомления', 'уведомлений')} с неверной подписью ${ruWindow(a.windowSeconds)} — ключ в VK меняли?`,
    TEMPORARY_ERRORS: (a: AlertNumbers) =>
      `Ошибка 2 в ответ на ${ruN(a, 'уведомление', 'уведомления', 'уведомлений')} ${ruWindow(a.windowSeconds)} — база данных не ответила вовремя; VK повторит запросы.`,
    SLOW_ANSWERS: (a: AlertNumbers) =>
      `Медленнее ${a.thresholdSeconds ?? 1} с ${ruWindow(a.windowSeconds)}: ${ruN(a, 'ответ', 'ответа', 'ответов')} (VK ждёт не дольше 10 с).`,
    DELIVERIES_FAILED: (a: AlertNumbers) =>
      `Игровой сервер так и не принял ${ruN(a, 'доставку', 'доставки', 'доставок')}: повторы закончились — отправьте заново, когда он заработает.`,
    DELIVERIES_FAILING: (a: AlertNumbers) => `Игровой сервер не принял ${ruN(a, 'доставку', 'доставки', 'доставок')} — они повторяются.`,
    DELIVERIES_PILING_UP: (a: AlertNumbers) =>
      `В очереди дольше ${minutes(a.thresholdSeconds)} мин: ${ruN(a, 'доставка', 'доставки', 'доставок')} игровому серверу.`,
  },
};

export type AlertStrings = typeof ru;

export const alertStrings: Record<Locale, AlertStrings> = {
  ru,
  en: {
    title: 'Needs attention',
    severity: { CRITICAL: 'Critical', WARNING: 'Warning' },
    text: {
      BAD_SIGNATURES: (a) =>
        `${enN(a, 'notification', 'notifications')} with a bad signature ${enWindow(a.windowSeconds)} — was the key changed in VK?`,
      TEMPORARY_ERRORS: (a) =>
        `Error 2 answered to ${enN(a, 'notification', 'notifications')} ${enWindow(a.windowSeconds)} — the database did not answer in time; VK retries them.`,
      SLOW_ANSWERS: (a) =>
        `${enN(a, 'answer', 'answers')} slower than ${a.thresholdSeconds ?? 1} s ${enWindow(a.windowSeconds)} (VK waits 10 s at most).`,
      DELIVERIES_FAILED: (a) => `${enN(a, 'delivery', 'deliveries')} to the game backend ran out of retries — resend once it works again.`,
      DELIVERIES_FAILING: (a) => `${enN(a, 'delivery', 'deliveries')} to the game backend failed and are being retried.`,
      DELIVERIES_PILING_UP: (a) =>
        `${enN(a, 'delivery', 'deliveries')} to the game backend waiting over ${minutes(a.thresholdSeconds)} min.`,
    },
  },
};
