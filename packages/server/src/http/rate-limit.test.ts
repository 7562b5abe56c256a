import { describe, expect, it } from 'vitest';
import { createRateLimiter, rateLimitKey } from './rate-limit.js';

describe('the API rate limiter', () => {
  it('lets max requests per window through per key, then says how long to wait', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter({ max: 3, windowMs: 60_000, now: () => now });
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(limiter.take('b').ok).toBe(true); // another key has its own allowance
    now += 45_500;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 15 });
    now += 14_500;
    expect(limiter.take('a').ok).toBe(true); // a new window
  });

  it('does not limit at all with max 0 (VKP_RATE_LIMIT=0)', () => {
    const limiter = createRateLimiter({ max: 0 });
    expect(Array.from({ length: 1000 }, () => limiter.take('a').ok).every(Boolean)).toBe(true);
    expect(limiter.size).toBe(0);
  });

  it('keeps a bounded table however many keys an attacker cycles through', () => {
    let now = 0;
    const limiter = createRateLimiter({ max: 5, windowMs: 60_000, maxKeys: 100, now: () => now });
    for (let i = 0; i < 10_000; i++) {
      limiter.take(`addr:10.0.${i >> 8}.${i & 255}`);
      now += 1;
    }
    expect(limiter.size).toBe(100);
  });

  it('forgets keys whose window has passed', () => {
    let now = 0;
    const limiter = createRateLimiter({ max: 5, windowMs: 1_000, now: () => now });
    for (let i = 0; i < 50; i++) limiter.take(`k${i}`);
    now += 1_000;
    limiter.take('fresh');
    expect(limiter.size).toBe(1);
  });
});

describe('whose allowance a request spends', () => {
  it('is the principal once authenticated, whatever token string reached it', () => {
    expect(rateLimitKey({ kind: 'root', keyId: null }, '10.0.0.1')).toBe('root');
    expect(rateLimitKey({ kind: 'root', keyId: 4 }, '10.0.0.1')).toBe('key:4');
    expect(rateLimitKey({ kind: 'key', keyId: 7, label: 'x', role: 'ADMIN', appId: 1, vkAppId: 2 }, '10.0.0.1')).toBe('key:7');
    const session = { kind: 'session', sessionId: 9, keyId: 7, keyLabel: 'x', role: 'ADMIN', appId: 1, vkAppId: 2, expiresAt: new Date() } as const;
    expect(rateLimitKey(session, '10.0.0.1')).toBe('session:9');
  });

  it('is the client address without a valid token', () => {
    expect(rateLimitKey(null, '10.0.0.1')).toBe('addr:10.0.0.1');
    expect(rateLimitKey(null, '10.0.0.1')).toBe(rateLimitKey(null, '10.0.0.1'));
  });
});
