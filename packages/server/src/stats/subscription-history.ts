/**
 * Subscription statistics from the subscriptions' history (subscriptions/subscription-event.entity.ts),
 * pure: events in, figures per period out.
 *
 * Each subscription's events are replayed in the order they were committed. Its state after an event:
 * - active while its status is `chargeable` or `active`; VK may renew without a notification, so a
 *   passed `next_bill_time` alone does not end it (docs/protocol.md §3.4);
 * - `cancelled` with `pending_cancel`: still active, until the end of the paid period (`next_bill_time`;
 *   without one, it ends at the cancellation);
 * - `cancelled` otherwise: ended at the cancellation.
 * Per period, by when each event was recorded:
 * - `new`: a subscription active for the first time;
 * - `renewed`: a charge of a subscription already charged before (a paid period after the first);
 * - `resumed`: a cancelled subscription active again (a pending cancellation withdrawn, or one VK
 *   cancelled for lack of votes coming back);
 * - `cancelled`: a subscription turning cancelled, by `cancel_reason` (none given counts as `unknown`),
 *   pending or not — counted when VK reports it, although a pending one stays active until its end.
 * At each period's end (its last instant): active subscriptions, distinct users with one, and the
 * monthly recurring votes: Σ price × 30 / period days over the active subscriptions (a plan without a
 * known period counts as 30 days), rounded once to the nearest vote.
 */
import type { CancelReason, SubscriptionStatus } from '@vk-payments/shared';
import type { Period } from './periods.js';

/** One row of the history, as stats read it. */
export interface HistoryEvent {
  subscriptionId: string;
  vkUserId: number;
  status: SubscriptionStatus;
  cancelReason: CancelReason | null;
  pendingCancel: boolean;
  price: number;
  periodDays: number | null;
  nextBillTime: Date | null;
  charge: boolean;
  occurredAt: Date;
}

export interface CancelReasons {
  userDecision: number;
  appDecision: number;
  paymentFail: number;
  unknown: number;
}

export interface SubscriptionStatsPoint {
  periodStart: Date;
  periodEnd: Date;
  active: number;
  activeSubscribers: number;
  monthlyRecurringVotes: number;
  new: number;
  renewed: number;
  resumed: number;
  cancelled: number;
  cancelledPending: number;
  cancelReasons: CancelReasons;
}

export interface SubscriptionStatsResult {
  totals: SubscriptionStatsPoint;
  points: SubscriptionStatsPoint[];
}

const REASON_KEY: Record<CancelReason, keyof CancelReasons> = {
  user_decision: 'userDecision',
  app_decision: 'appDecision',
  payment_fail: 'paymentFail',
  unknown: 'unknown',
};
const DEFAULT_PERIOD_DAYS = 30;

/** A stretch of time a subscription was active at one price and period: [start, end] (end inclusive). */
interface Segment {
  start: number;
  end: number;
  price: number;
  periodDays: number;
}

interface State {
  vkUserId: number;
  /** null before its first event. */
  status: SubscriptionStatus | null;
  price: number;
  periodDays: number;
  everActive: boolean;
  charged: boolean;
  /** The active stretch still open, and when a pending cancellation closes it (null: not pending). */
  open: Segment | null;
  closeAt: number | null;
}

interface Flows {
  new: number;
  renewed: number;
  resumed: number;
  cancelled: number;
  cancelledPending: number;
  cancelReasons: CancelReasons;
}

const noFlows = (): Flows => ({
  new: 0,
  renewed: 0,
  resumed: 0,
  cancelled: 0,
  cancelledPending: 0,
  cancelReasons: { userDecision: 0, appDecision: 0, paymentFail: 0, unknown: 0 },
});

/** Replays events (in commit order, any number of batches) and buckets them into `periods`. */
export class SubscriptionHistory {
  private readonly starts: number[];
  private readonly ends: number[];
  private readonly flows: Flows[];
  private readonly total = noFlows();
  private readonly states = new Map<string, State>();
  /** Closed active stretches, by user. */
  private readonly closed = new Map<number, Segment[]>();

  constructor(private readonly periods: readonly Period[]) {
    this.starts = periods.map((p) => p.start.getTime());
    this.ends = periods.map((p) => p.end.getTime());
    this.flows = periods.map(noFlows);
  }

  /** The period an instant falls in, or -1 outside the range. */
  private indexOf(t: number): number {
    const n = this.starts.length;
    if (n === 0 || t < this.starts[0]! || t >= this.ends[n - 1]!) return -1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private count(t: number, change: (f: Flows) => void): void {
    const i = this.indexOf(t);
    if (i < 0) return;
    change(this.flows[i]!);
    change(this.total);
  }

  private close(s: State, end: number): void {
    if (!s.open) return;
    // A stretch that ended before the first period's end counts at no point: years of history before
    // the range cost no memory.
    if (end >= (this.ends[0] ?? Infinity)) {
      const list = this.closed.get(s.vkUserId) ?? [];
      list.push({ ...s.open, end });
      this.closed.set(s.vkUserId, list);
    }
    s.open = null;
    s.closeAt = null;
  }

  add(e: HistoryEvent): void {
    const t = e.occurredAt.getTime();
    const s: State = this.states.get(e.subscriptionId) ?? {
      vkUserId: e.vkUserId,
      status: null,
      price: e.price,
      periodDays: DEFAULT_PERIOD_DAYS,
      everActive: false,
      charged: false,
      open: null,
      closeAt: null,
    };
    this.states.set(e.subscriptionId, s);
    // A pending cancellation that took effect before this event ended the stretch then.
    if (s.closeAt !== null && s.closeAt <= t) this.close(s, s.closeAt);
    const live = e.status !== 'cancelled';

    if (live && !s.everActive) this.count(t, (f) => f.new++);
    else if (live && s.status === 'cancelled') this.count(t, (f) => f.resumed++);
    if (e.charge && s.charged) this.count(t, (f) => f.renewed++);
    if (!live && s.status !== 'cancelled') {
      const reason = REASON_KEY[e.cancelReason ?? 'unknown'];
      this.count(t, (f) => {
        f.cancelled++;
        f.cancelReasons[reason]++;
        if (e.pendingCancel) f.cancelledPending++;
      });
    }

    s.status = e.status;
    s.price = e.price;
    s.periodDays = e.periodDays ?? s.periodDays;
    s.everActive ||= live;
    s.charged ||= e.charge;

    const pendingEnd = !live && e.pendingCancel && e.nextBillTime && e.nextBillTime.getTime() > t ? e.nextBillTime.getTime() : null;
    if (live || pendingEnd !== null) {
      // A new price or period starts a new stretch, so each point sums the price it had then.
      if (s.open && (s.open.price !== s.price || s.open.periodDays !== s.periodDays)) this.close(s, t);
      s.open ??= { start: t, end: Infinity, price: s.price, periodDays: s.periodDays };
      s.closeAt = pendingEnd;
    } else {
      this.close(s, t);
    }
  }

  result(): SubscriptionStatsResult {
    const n = this.periods.length;
    const segments = new Map<number, Segment[]>();
    for (const [user, list] of this.closed) segments.set(user, [...list]);
    for (const s of this.states.values()) {
      if (!s.open) continue;
      const list = segments.get(s.vkUserId) ?? [];
      list.push({ ...s.open, end: s.closeAt ?? Infinity });
      segments.set(s.vkUserId, list);
    }
    const active = new Array<number>(n + 1).fill(0);
    const users = new Array<number>(n + 1).fill(0);
    // Price sums per period length, kept in integers until the end (no drift from adding fractions).
    const votesByPeriod = new Map<number, number[]>();
    for (const list of segments.values()) {
      for (const seg of list) {
        const [from, to] = this.pointsCovered(seg);
        if (from > to) continue;
        active[from]! += 1;
        active[to + 1]! -= 1;
        let votes = votesByPeriod.get(seg.periodDays);
        if (!votes) votesByPeriod.set(seg.periodDays, (votes = new Array<number>(n + 1).fill(0)));
        votes[from]! += seg.price;
        votes[to + 1]! -= seg.price;
      }
      // A user counts once per point however many of their subscriptions are active.
      for (const seg of mergeSegments(list)) {
        const [from, to] = this.pointsCovered(seg);
        if (from > to) continue;
        users[from]! += 1;
        users[to + 1]! -= 1;
      }
    }
    const running = (diff: number[]): number[] => {
      let sum = 0;
      return diff.slice(0, n).map((d) => (sum += d));
    };
    const activeAt = running(active);
    const usersAt = running(users);
    const monthly = new Array<number>(n).fill(0);
    for (const [days, diff] of votesByPeriod) running(diff).forEach((v, i) => (monthly[i]! += (v * 30) / days));
    const points = this.periods.map((p, i) => ({
      periodStart: p.start,
      periodEnd: p.end,
      active: activeAt[i]!,
      activeSubscribers: usersAt[i]!,
      monthlyRecurringVotes: Math.round(monthly[i]!),
      ...this.flows[i]!,
    }));
    const last = points.at(-1);
    return {
      totals: {
        periodStart: this.periods[0]?.start ?? new Date(NaN),
        periodEnd: this.periods.at(-1)?.end ?? new Date(NaN),
        active: last?.active ?? 0,
        activeSubscribers: last?.activeSubscribers ?? 0,
        monthlyRecurringVotes: last?.monthlyRecurringVotes ?? 0,
        ...this.total,
      },
      points,
    };
  }

  /** The points (first, last) whose period end falls in (start, end]: active in the period's last instant. */
  private pointsCovered(seg: Segment): [number, number] {
    const firstAfter = (t: number): number => {
      let lo = 0;
      let hi = this.ends.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.ends[mid]! > t) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    return [firstAfter(seg.start), firstAfter(seg.end) - 1];
  }
}

/** A user's stretches joined where they touch or overlap. */
function mergeSegments(list: Segment[]): Segment[] {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  const out: Segment[] = [];
  for (const seg of sorted) {
    const last = out.at(-1);
    if (last && seg.start <= last.end) last.end = Math.max(last.end, seg.end);
    else out.push({ ...seg });
  }
  return out;
}

/** Pure: the subscription figures of `periods` from `events` (real ones, in commit order). */
export function subscriptionStats(events: Iterable<HistoryEvent>, periods: readonly Period[]): SubscriptionStatsResult {
  const history = new SubscriptionHistory(periods);
  for (const e of events) history.add(e);
  return history.result();
}
