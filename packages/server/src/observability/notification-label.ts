/**
 * The notification kind as a metric label (labels.ts says why labels come from closed lists), apart
 * from the GraphQL labels so the endpoint's metrics load without GraphQL.
 */
import { NOTIFICATION_KINDS } from '@vk-payments/shared';

export const OTHER = 'other';

/** A notification kind VK sends (docs/protocol.md §3), else `other`. */
export function notificationTypeLabel(kind: string | null): string {
  return kind !== null && (NOTIFICATION_KINDS as readonly string[]).includes(kind) ? kind : OTHER;
}
