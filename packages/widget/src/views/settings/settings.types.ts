/** What <vk-payments-settings> reads and writes, named as in the server's SDL. */
export interface AppSettings {
  notificationUrl: string | null;
  apiVersion: string;
  secretKeyHint: string;
  endpointUrl: string;
  apiVersionLocked: boolean;
  supportedApiVersions: string[];
  previousSecretKeyHint: string | null;
  previousSecretExpiresAt: string | null;
  miniAppOrigins: string[];
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

/** The answer to LOAD. */
export interface Answer {
  app: { vkRegisteredAt: string | null; settings: AppSettings };
  testers: PaymentTester[];
}

export interface Rights {
  /** Secret rotation is "creator/admin only" (ARCHITECTURE.md §5), root too. */
  canRotate: boolean;
}

const SETTINGS =
  'settings{notificationUrl apiVersion secretKeyHint endpointUrl apiVersionLocked supportedApiVersions previousSecretKeyHint previousSecretExpiresAt miniAppOrigins}';
const TESTER = 'vkUserId addedAt addedBy';

// Written compact, as the other views' documents: they ship in the embed, where every byte counts.
export const LOAD = `query($id:Int!){app(vkAppId:$id){vkRegisteredAt ${SETTINGS}}testers:paymentTesters(vkAppId:$id){${TESTER}}}`;
// The mutations that change settings answer under one alias, `r`, for one handler.
export const UPDATE = `mutation($id:Int!,$input:PaymentSettingsInput!){r:updatePaymentSettings(vkAppId:$id,input:$input){${SETTINGS}}}`;
export const ROTATE = `mutation($id:Int!,$key:String!,$hours:Int){r:rotateAppSecret(vkAppId:$id,secretKey:$key,overlapHours:$hours){${SETTINGS}}}`;
export const CHECK =
  'mutation($id:Int!){r:checkNotificationUrl(vkAppId:$id){ok httpStatus durationMs verdict problems responseBody summary}}';
export const ADD_TESTER = `mutation($id:Int!,$user:Int!){r:addPaymentTester(vkAppId:$id,vkUserId:$user){${TESTER}}}`;
export const REMOVE_TESTER = 'mutation($id:Int!,$user:Int!){removePaymentTester(vkAppId:$id,vkUserId:$user)}';

/**
 * An absolute http(s) URL without spaces: what the server accepts (it also refuses user:password@).
 * An http(s) URL always has a host: `new URL` throws without one.
 */
export function isHttpUrl(value: string): boolean {
  try {
    return !/\s/.test(value) && /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** A VK user id typed as a number or pasted as a profile link (vk.com/id123); GraphQL's Int is 32-bit. */
export function parseVkUserId(value: string): number | null {
  const id = Number(/^(?:(?:https?:\/\/)?(?:m\.)?vk\.com\/id)?(\d{1,10})\/?$/i.exec(value.trim())?.[1]);
  return id > 0 && id < 2 ** 31 ? id : null;
}

/** How long "Saved" (and "Copied") stays beside the button. */
export const SAVED_MS = 4000;
