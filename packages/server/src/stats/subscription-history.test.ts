import { describe, expect, it } from 'vitest';
import { statsPeriods } from './periods.js';
import { subscriptionStats, type HistoryEvent } from './subscription-history.js';

const days = statsPeriods(new Date('2026-05-01T00:00:00Z'), new Date('2026-05-04T00:00:00Z'), 'DAY', 'UTC', 10)!;

/** A change of subscription `id` (user 1 unless given) at `at`: a charge of 30 votes per 30 days unless told. */
const ev = (id: string, at: string, change: Partial<HistoryEvent> = {}): HistoryEvent => ({
  subscriptionId: id,
  vkUserId: 1,
  status: 'chargeable',
  cancelReason: null,
  pendingCancel: false,
  price: 30,
  periodDays: 30,
  nextBillTime: null,
  charge: true,
  occurredAt: new Date(at),
  ...change,
});

const active = (events: HistoryEvent[]) => subscriptionStats(events, days).points.map((p) => [p.active, p.monthlyRecurringVotes]);

describe('subscription history', () => {
  it('keeps a subscriber whose pending cancellation was withdrawn, counting it resumed, not new', () => {
    const s = subscriptionStats(
      [
        ev('a', '2026-05-01T10:00:00Z'),
        ev('a', '2026-05-01T11:00:00Z', {
          status: 'cancelled',
          pendingCancel: true,
          nextBillTime: new Date('2026-05-02T12:00:00Z'),
          charge: false,
        }),
        ev('a', '2026-05-02T09:00:00Z', { status: 'active', charge: false }),
      ],
      days,
    );
    expect(s.points.map((p) => [p.active, p.new, p.resumed, p.cancelled, p.cancelledPending])).toEqual([
      [1, 1, 0, 1, 1],
      [1, 0, 1, 0, 0],
      [1, 0, 0, 0, 0],
    ]);
  });

  it('ends a pending cancellation without a known period end at the cancellation', () => {
    expect(
      active([
        ev('a', '2026-05-01T10:00:00Z'),
        ev('a', '2026-05-02T10:00:00Z', { status: 'cancelled', pendingCancel: true, charge: false }),
      ]),
    ).toEqual([
      [1, 30],
      [0, 0],
      [0, 0],
    ]);
  });

  it('sums each point at the price the subscription had then, normalised to 30 days', () => {
    expect(
      active([
        ev('a', '2026-05-01T10:00:00Z', { price: 7, periodDays: 7 }),
        ev('b', '2026-05-01T11:00:00Z', { price: 3, periodDays: 3, vkUserId: 2 }),
        ev('a', '2026-05-02T10:00:00Z', { price: 14, periodDays: 7 }),
      ]),
    ).toEqual([
      [2, 60], // 7 × 30/7 + 3 × 30/3
      [2, 90], // 14 × 30/7 + 30
      [2, 90],
    ]);
  });

  it('counts a user with two active subscriptions as one subscriber, and a repeated cancellation once', () => {
    const s = subscriptionStats(
      [
        ev('a', '2026-05-01T10:00:00Z'),
        ev('b', '2026-05-01T11:00:00Z'),
        ev('b', '2026-05-02T11:00:00Z', { status: 'cancelled', cancelReason: 'user_decision', charge: false }),
        ev('b', '2026-05-02T12:00:00Z', { status: 'cancelled', cancelReason: 'app_decision', charge: false }),
      ],
      days,
    );
    expect(s.points.map((p) => [p.active, p.activeSubscribers, p.cancelled])).toEqual([
      [2, 1, 0],
      [1, 1, 1],
      [1, 1, 0],
    ]);
    expect(s.totals.cancelReasons).toEqual({ userDecision: 1, appDecision: 0, paymentFail: 0, unknown: 0 });
  });

  it('counts a subscription from before the range while it lasts, and one that ended before it nowhere', () => {
    const s = subscriptionStats(
      [
        ev('old', '2026-03-01T10:00:00Z'),
        ev('old', '2026-04-01T10:00:00Z', { status: 'cancelled', charge: false }),
        ev('kept', '2026-04-15T10:00:00Z', { vkUserId: 2 }),
        ev('kept', '2026-05-02T10:00:00Z', { vkUserId: 2, status: 'cancelled', cancelReason: 'payment_fail', charge: false }),
      ],
      days,
    );
    expect(s.points.map((p) => [p.active, p.activeSubscribers, p.new, p.cancelled])).toEqual([
      [1, 1, 0, 0],
      [0, 0, 0, 1],
      [0, 0, 0, 0],
    ]);
  });
});
