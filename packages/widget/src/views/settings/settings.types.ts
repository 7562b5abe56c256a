/** What <vk-payments-settings> reads and writes, named as in the server's SDL. */
import type { Session } from '../../client/session.js';

export interface AppSettings {
  notificationUrl: string | null;
  apiVersion: string;
  secretKeyHint: string;
  endpointUrl: string;
  apiVersionLocked: boolean;
  supportedApiVersions: string[];
  previousSecretKeyHint: string | null;
  previousSecretExpiresAt: string | null;
}

export interface PaymentTester {
  vkUserId: number;
  addedAt: string;
  addedBy: string;
}

export type Verdict = 'SUCCESS' | 'VK_ERROR' | 'INVALID' | 'UNREACHABLE';

export interface NotificationUrlCheck {
  ok: boolean;
  httpStatus: number | null;
  durationMs: number;
  verdict: Verdict;
  problems: string[];
  responseBody: string | null;
  summary: string;
}

/** Everything the view shows, with the session it was loaded for (a new app or token loads again). */
export interface Loaded {
  session: Session;
  vkRegisteredAt: string | null;
  settings: AppSettings;
  testers: PaymentTester[];
  /** Secret rotation is "creator/admin only" (DESIGN.md §7), root too. */
  canRotate: boolean;
}

export const SETTINGS_FIELDS =
  'settings { notificationUrl apiVersion secretKeyHint endpointUrl apiVersionLocked supportedApiVersions previousSecretKeyHint previousSecretExpiresAt }';
export const TESTER_FIELDS = 'vkUserId addedAt addedBy';

export const LOAD = `query($id: Int!) {
  app(vkAppId: $id) { vkRegisteredAt ${SETTINGS_FIELDS} }
  paymentTesters(vkAppId: $id) { ${TESTER_FIELDS} }
}`;
export const UPDATE = `mutation($id: Int!, $input: PaymentSettingsInput!) { updatePaymentSettings(vkAppId: $id, input: $input) { ${SETTINGS_FIELDS} } }`;
export const ROTATE = `mutation($id: Int!, $key: String!, $hours: Int) { rotateAppSecret(vkAppId: $id, secretKey: $key, overlapHours: $hours) { ${SETTINGS_FIELDS} } }`;
export const CHECK = `mutation($id: Int!) { checkNotificationUrl(vkAppId: $id) { ok httpStatus durationMs verdict problems responseBody summary } }`;
export const ADD_TESTER = `mutation($id: Int!, $user: Int!) { addPaymentTester(vkAppId: $id, vkUserId: $user) { ${TESTER_FIELDS} } }`;
export const REMOVE_TESTER = `mutation($id: Int!, $user: Int!) { removePaymentTester(vkAppId: $id, vkUserId: $user) }`;

/** An absolute http(s) URL without spaces: what the server accepts (it also refuses user:password@). */
export function isHttpUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** A VK user id typed as a number or pasted as a profile link (vk.com/id123); GraphQL's Int is 32-bit. */
export function parseVkUserId(value: string): number | null {
  const m = /^(?:(?:https?:\/\/)?(?:m\.)?vk\.com\/id)?(\d{1,10})\/?$/i.exec(value.trim());
  const id = m ? Number(m[1]) : 0;
  return id > 0 && id <= 2 ** 31 - 1 ? id : null;
}
