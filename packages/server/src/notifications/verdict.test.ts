import { describe, expect, it } from 'vitest';
import { judgeAnswer } from './verdict.js';

const getItem = { notification_type: 'get_item_test', item: 'gem' };
const order = { notification_type: 'order_status_change', order_id: '98765432109876543210', status: 'chargeable' };

describe('judging an answer against docs/protocol.md', () => {
  it('accepts a complete get_item answer', () => {
    const text =
      '{"response":{"title":"Gem","price":10,"item_id":"gem","photo_url":"https://x.example/g.png","discount":2,"expiration":600}}';
    expect(judgeAnswer(getItem, text)).toEqual({ kind: 'success', problems: [] });
  });

  it('names every problem of a get_item answer VK would reject', () => {
    const text = `{"response":{"title":"${'x'.repeat(49)}","price":4,"photo_url":"/relative.png","discount":5,"expiration":30}}`;
    const verdict = judgeAnswer(getItem, text);
    expect(verdict.kind).toBe('invalid');
    expect(verdict.problems).toEqual([
      'response.title is longer than 48 characters',
      'response.photo_url must be an absolute URL',
      'response.discount must be a non-negative integer less than the price',
      'response.expiration must be 0 or 600–604800',
    ]);
  });

  it('wants the price as whole votes', () => {
    expect(judgeAnswer(getItem, '{"response":{"title":"Gem","price":1.5}}').problems).toEqual([
      'response.price must be a positive integer (votes)',
    ]);
  });

  it('compares a large order_id as text, digit for digit', () => {
    expect(judgeAnswer(order, '{"response":{"order_id":98765432109876543210,"app_order_id":7}}').kind).toBe('success');
    expect(judgeAnswer(order, '{"response":{"order_id":98765432109876540000,"app_order_id":7}}').problems).toEqual([
      'response.order_id must be the order_id sent (98765432109876543210)',
    ]);
  });

  it('reads an error answer with its code and criticality', () => {
    expect(judgeAnswer(order, '{"error":{"error_code":2,"error_msg":"later","critical":false}}')).toEqual({
      kind: 'error',
      code: 2,
      critical: false,
      message: 'later',
      problems: [],
    });
  });

  it.each([
    ['not json', 'the answer is not JSON'],
    ['[1]', 'the answer is not a JSON object'],
    ['{"response":{},"error":{}}', 'the answer must have exactly one of "response" and "error"'],
    ['{"error":{"error_code":"2","error_msg":"x","critical":"no"}}', 'error.error_code must be an integer'],
  ])('calls %s invalid', (text, problem) => {
    expect(judgeAnswer(order, text).problems).toContain(problem);
  });

  it('needs a period of 3, 7 or 30 days in a get_subscription answer', () => {
    const req = { notification_type: 'get_subscription', item: 'vip' };
    expect(judgeAnswer(req, '{"response":{"title":"VIP","price":30,"period":30}}').kind).toBe('success');
    expect(judgeAnswer(req, '{"response":{"title":"VIP","price":30,"period":14}}').problems).toEqual([
      'response.period must be one of 3, 7, 30',
    ]);
  });
});
