/**
 * What the deliveries view asks the server: a page of `fulfilmentDeliveries` with each one's latest
 * attempts (the answer's start and the error come only for CREATOR and ADMIN, the roles that choose the
 * URL), how many failed ones the filter holds (for "Resend all failed"), and the two resends.
 */
import type { Connection } from '../../components/cursor-list.js';
import type { Filter } from '../../components/list-filters.js';
import type { DeliveriesResendMutation } from '../../generated/operations.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';
export const STATUSES: DeliveryStatus[] = ['pending', 'delivered', 'failed'];
export const EVENTS = ['order.paid', 'order.refunded', 'subscription.changed'] as const;

/** A delivery as the view shows it (the type generated from the schema, src/generated/). */
export type DeliveryRow = DeliveriesResendMutation['r'];
export type Attempt = DeliveryRow['attemptLog'][number];

export type DeliveryConnection = Connection<DeliveryRow> & { failed?: number };

/** A delivery with its latest 10 attempts (`attempts` says how many there were in all). */
const NODE =
  'id eventId eventType status attempts nextAttemptAt deliveredAt createdAt transactionId payload attemptLog(last:10){id attemptedAt httpStatus durationMs error responseBody}';
const VARS = '$vkAppId:Int!,$status:String,$eventType:String,$first:Int,$after:String';
const PAGE = `fulfilmentDeliveries(vkAppId:$vkAppId,status:$status,eventType:$eventType,first:$first,after:$after){totalCount pageInfo{hasNextPage endCursor}edges{node{${NODE}}}}`;

/** The first page, and the failed deliveries of the same event filter. */
export const FIRST_QUERY = `query(${VARS}){${PAGE}failed:fulfilmentDeliveries(vkAppId:$vkAppId,status:"failed",eventType:$eventType,first:1){totalCount}}`;

/** A next page. */
export const MORE_QUERY = `query(${VARS}){${PAGE}}`;

export const RESEND = `mutation($id:ID!){r:resendFulfilmentDelivery(id:$id){${NODE}}}`;

export const RESEND_FAILED = `mutation($vkAppId:Int!,$eventType:String){r:resendFailedFulfilmentDeliveries(vkAppId:$vkAppId,eventType:$eventType){resent remaining}}`;

/** The filter form's values as the query's variables (what is not set stays undefined, left out). */
export const deliveryVars = (f: Filter) => ({ status: f.status || undefined, eventType: f.event || undefined });

/** The VK user a delivery is about, from its payload (every event carries `data.vkUserId`). */
export function userOf(row: Pick<DeliveryRow, 'payload'>): number | null {
  const user = (row.payload as { data?: { vkUserId?: unknown } } | null)?.data?.vkUserId;
  return typeof user === 'number' ? user : null;
}
