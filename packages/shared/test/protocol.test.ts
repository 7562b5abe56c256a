import { describe, expect, it } from 'vitest';
import { NOTIFICATION_TYPES, parseNotificationType } from '../src/index.js';

describe('notification types', () => {
  it('lists the eight types VK sends', () => {
    expect(NOTIFICATION_TYPES).toHaveLength(8);
    expect(NOTIFICATION_TYPES).toContain('subscription_status_change_test');
  });

  it('splits a _test type into its kind and the test flag', () => {
    expect(parseNotificationType('order_status_change_test')).toEqual({ kind: 'order_status_change', test: true });
    expect(parseNotificationType('get_item')).toEqual({ kind: 'get_item', test: false });
  });

  it('rejects types VK does not send', () => {
    for (const raw of ['', '_test', 'get_items', 'get_item_test_test', 'GET_ITEM']) {
      expect(parseNotificationType(raw)).toBeUndefined();
    }
  });
});
