/**
 * What the customer view asks the server: one `customer` query for the totals and a page of each of the
 * user's four lists, and the same query again for the next pages of the lists that have more (the
 * others are skipped with `@include`). Resending a delivery is the fulfilment API's own mutation.
 */
import type { CustomerPageQuery, CustomerResendMutation } from '../../generated/operations.js';

const PAGE = 'totalCount pageInfo{hasNextPage endCursor}edges{node{';
const VARS =
  '$vkAppId:Int!,$vkUserId:Int!,$first:Int,$withTotals:Boolean!,$o:Boolean!,$oa:String,$s:Boolean!,$sa:String,$n:Boolean!,$na:String,$d:Boolean!,$da:String';

export const PAGE_QUERY = `query(${VARS}){customer(vkAppId:$vkAppId,vkUserId:$vkUserId){totals@include(if:$withTotals){paidVotes refundedVotes netVotes payments refunds firstPaymentAt lastPaymentAt}orders(first:$first,after:$oa)@include(if:$o){${PAGE}id orderId subscriptionId itemId title price status test createdAt refundedAt appOrderId}}}subscriptions(first:$first,after:$sa)@include(if:$s){${PAGE}id subscriptionId itemId price status nextBillTime cancelReason pendingCancel test createdAt updatedAt}}}notifications(first:$first,after:$na)@include(if:$n){${PAGE}id receivedAt notificationType rawType test orderId subscriptionId ok errorCode}}}deliveries(first:$first,after:$da)@include(if:$d){${PAGE}id eventType status attempts transactionId createdAt deliveredAt nextAttemptAt}}}}}`;

export const RESEND = `mutation($id:ID!){resendFulfilmentDelivery(id:$id){id status attempts nextAttemptAt deliveredAt}}`;

type Page = CustomerPageQuery['customer'];
type NodeOf<K extends 'orders' | 'subscriptions' | 'notifications' | 'deliveries'> = NonNullable<Page[K]>['edges'][number]['node'];

export type Totals = NonNullable<Page['totals']>;
export type Order = NodeOf<'orders'>;
export type Sub = NodeOf<'subscriptions'>;
export type Note = NodeOf<'notifications'>;
export type Delivery = NodeOf<'deliveries'>;
export type Resent = CustomerResendMutation['resendFulfilmentDelivery'];
export type { Page };
