/**
 * Whether a subscription still gives its user what they pay for (README "Running it", docs/protocol.md §3).
 * VK debits each period itself and may renew without a notification, so a passed `next_bill_time` alone
 * does not end a subscription: it counts as active until VK reports it cancelled. A cancellation with
 * `pending_cancel=1` is paid up to the period's end and ends then.
 */
export interface SubscriptionState {
  status: string;
  pendingCancel: boolean;
  /** `next_bill_time`: the end of the period paid for. */
  periodEnd: Date | null;
}

export function isActiveSubscription({ status, pendingCancel, periodEnd }: SubscriptionState, now: Date): boolean {
  // Cancelled to take effect later: until the paid period ends (without a known end, while VK still calls it active).
  if (pendingCancel) return periodEnd ? periodEnd.getTime() > now.getTime() : status !== 'cancelled';
  return status !== 'cancelled';
}
