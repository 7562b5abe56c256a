/** What <vk-payments-moderation> reads and writes, named as in the server's SDL. */
export const PLATFORMS = ['IOS', 'ANDROID', 'WEB', 'MOBILE_WEB'] as const;
export type Platform = (typeof PLATFORMS)[number];
export type ModerationStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN';

/** The application's texts; their limits (`TEXT_LIMITS`, shared with the server) are checked here too so the form answers at once. */
export const TEXT_FIELDS = ['appDescription', 'paidFeatures'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

export interface PreflightCheck {
  key: string;
  ok: boolean;
  required: boolean;
  message: string;
}

export interface ModerationRequest {
  id: string;
  status: ModerationStatus;
  platforms: Platform[];
  appDescription: string;
  paidFeatures: string;
  moderatorComment: string | null;
  submittedBy: string;
  submittedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

/** The answer to LOAD. */
export interface Answer {
  app: { votesPaymentsEnabled: boolean };
  preflight: { ready: boolean; checks: PreflightCheck[] };
  /** Newest first: the first is the current (or last) application. */
  requests: ModerationRequest[];
}

export interface Rights {
  /** Applying and withdrawing: the Payments roles and root (DESIGN.md §7). */
  canApply: boolean;
  /** Approving and rejecting: platform moderators and root. */
  canDecide: boolean;
}

// Written compact, as the other views' documents: they ship in the embed, where every byte counts.
export const LOAD =
  'query($id:Int!){app(vkAppId:$id){votesPaymentsEnabled}preflight:votesPaymentsPreflight(vkAppId:$id){ready checks{key ok required message}}' +
  'requests:moderationRequests(vkAppId:$id){id status platforms appDescription paidFeatures moderatorComment submittedBy submittedAt decidedBy decidedAt}}';
export const SUBMIT = 'mutation($id:Int!,$input:ModerationRequestInput!){submitModerationRequest(vkAppId:$id,input:$input){id}}';
export const WITHDRAW = 'mutation($rid:ID!){withdrawModerationRequest(id:$rid){id}}';
export const DECIDE = 'mutation($rid:ID!,$decision:ModerationDecision!,$comment:String){decideModerationRequest(id:$rid,decision:$decision,comment:$comment){id}}';
