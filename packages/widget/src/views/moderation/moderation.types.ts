/** What <vk-payments-moderation> reads and writes, named as in the server's SDL. */
import type { ModerationLoadQuery } from '../../generated/operations.js';

export type { ModerationStatus } from '../../generated/operations.js';

export const PLATFORMS = ['IOS', 'ANDROID', 'WEB', 'MOBILE_WEB'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The application's texts; their limits (`TEXT_LIMITS`, shared with the server) are checked here too so the form answers at once. */
export const TEXT_FIELDS = ['appDescription', 'paidFeatures'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** The answer to LOAD; `requests` newest first: the first is the current (or last) application. */
export type Answer = ModerationLoadQuery;
export type PreflightCheck = Answer['preflight']['checks'][number];
export type ModerationRequest = Answer['requests'][number];

export interface Rights {
  /** Applying and withdrawing: the Payments roles and root (ARCHITECTURE.md §5). */
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
export const DECIDE =
  'mutation($rid:ID!,$decision:ModerationDecision!,$comment:String){decideModerationRequest(id:$rid,decision:$decision,comment:$comment){id}}';
