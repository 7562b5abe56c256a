import { describe, expect, it } from 'vitest';
import { isActiveSubscription } from './subscription-state.js';

const now = new Date('2026-12-02T12:00:00Z');
const past = new Date('2026-12-01T12:00:00Z');
const future = new Date('2026-12-03T12:00:00Z');

describe('which subscriptions a user still owns', () => {
  it.each([
    ['chargeable', false, future, true],
    ['active', false, future, true],
    // VK renews without telling us every time: a passed bill time is not an end.
    ['active', false, past, true],
    ['chargeable', false, null, true],
    ['cancelled', false, future, false],
    ['cancelled', false, null, false],
    // pending_cancel=1: paid up to the period's end, and over after it.
    ['cancelled', true, future, true],
    ['cancelled', true, past, false],
    ['active', true, future, true],
    ['active', true, past, false],
    ['cancelled', true, null, false],
  ] as const)('%s, pending cancel %s, period end %s → %s', (status, pendingCancel, periodEnd, active) => {
    expect(isActiveSubscription({ status, pendingCancel, periodEnd }, now)).toBe(active);
  });
});
