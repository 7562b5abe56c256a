/**
 * The API-version setting and VK's rule about it ("Payments → Connection → Версия API"):
 * "Настройка доступна для мини-приложений, которые были зарегистрированы на платформе до января
 * 2024 года. Мини-приложения, зарегистрированные позже, используют формат … версии 5.132"
 * (docs/protocol.md §6). Kept free of other modules' imports: apps and settings both use it.
 */
import { API_VERSIONS } from '@vk-payments/shared';

/** The one format of apps registered from January 2024 on. */
export const FIXED_API_VERSION = '5.132' satisfies (typeof API_VERSIONS)[number];

/** Midnight of 1 January 2024 in Moscow, where VK's platform counts its dates (VK names no time zone). */
export const API_VERSION_FIXED_FROM = new Date('2024-01-01T00:00:00+03:00');

/**
 * Whether the app must use FIXED_API_VERSION. An unknown registration date counts as modern: every app
 * registered today is, and an older one says so by setting `vkRegisteredAt`.
 */
export function isApiVersionLocked(vkRegisteredAt: Date | null): boolean {
  return vkRegisteredAt === null || vkRegisteredAt >= API_VERSION_FIXED_FROM;
}

/** Why the version cannot be chosen, in VK's words; null when it can. */
export function apiVersionLockReason(vkRegisteredAt: Date | null): string | null {
  if (!isApiVersionLocked(vkRegisteredAt)) return null;
  const rule = `apps registered on VK from January 2024 use the API ${FIXED_API_VERSION} notification format, and the API version setting is only for apps registered before 2024`;
  return vkRegisteredAt === null
    ? `${rule}. This app's registration date is unknown: if it was registered before 2024, set vkRegisteredAt with updateApp first`
    : `${rule}; this app was registered on ${vkRegisteredAt.toISOString().slice(0, 10)}`;
}

/** The versions the app may choose: every one we understand, or only the fixed one. */
export function selectableApiVersions(vkRegisteredAt: Date | null): string[] {
  return isApiVersionLocked(vkRegisteredAt) ? [FIXED_API_VERSION] : [...API_VERSIONS];
}

/** Whether notifications in this version's format carry the `version` field (from 5.132 on; docs/protocol.md §6). */
export function sendsVersionField(apiVersion: string): boolean {
  const [major = 0, minor = 0] = apiVersion.split('.').map(Number);
  return major > 5 || (major === 5 && minor >= 132);
}
