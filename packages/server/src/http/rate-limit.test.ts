import { describe, expect, it } from 'vitest';
import { addressKey, createRateLimiter, rateLimitKey } from './rate-limit.js';

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

  it('keeps a bounded table however many addresses an attacker cycles through', () => {
    let now = 0;
    const limiter = createRateLimiter({ max: 5, windowMs: 60_000, maxAddresses: 100, now: () => now });
    for (let i = 0; i < 10_000; i++) {
      limiter.take(addressKey(`10.0.${i >> 8}.${i & 255}`));
      now += 1;
    }
    expect(limiter.size).toBe(100);
  });

  it("never lets address churn reset a principal's spent allowance", () => {
    let now = 0;
    const limiter = createRateLimiter({ max: 2, windowMs: 60_000, maxAddresses: 10, now: () => now });
    expect([limiter.take('key:1').ok, limiter.take('key:1').ok, limiter.take('key:1').ok]).toEqual([true, true, false]);
    // Far more addresses than the address table holds, each taking a window after the principal's.
    for (let i = 0; i < 1_000; i++) {
      limiter.take(addressKey(`2001:db8:${i.toString(16)}::1`));
      now += 10;
    }
    expect(limiter.take('key:1')).toEqual({ ok: false, retryAfterSeconds: 50 });
    expect(limiter.size).toBe(11);
  });

  it('tells whether a key is out of allowance without counting (peek)', () => {
    let now = 0;
    const limiter = createRateLimiter({ max: 2, windowMs: 60_000, now: () => now });
    expect(limiter.peek('addr:x')).toEqual({ ok: true });
    expect(limiter.size).toBe(0);
    limiter.take('addr:x');
    for (let i = 0; i < 5; i++) expect(limiter.peek('addr:x').ok).toBe(true);
    limiter.take('addr:x');
    expect(limiter.peek('addr:x')).toEqual({ ok: false, retryAfterSeconds: 60 });
    now += 60_000;
    expect(limiter.peek('addr:x')).toEqual({ ok: true });
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
  it('is the principal once authenticated, whatever token string reached it; the root token is one principal', () => {
    expect(rateLimitKey({ kind: 'root', keyId: null }, '10.0.0.1')).toBe('root');
    expect(rateLimitKey({ kind: 'root', keyId: 4 }, '10.0.0.1')).toBe('root');
    expect(rateLimitKey({ kind: 'key', keyId: 7, label: 'x', role: 'ADMIN', appId: 1, vkAppId: 2 }, '10.0.0.1')).toBe('key:7');
  });

  it('is the minting key for a widget session (the root token for one minted with it), never the session itself', () => {
    const session = (sessionId: number, keyId: number | null) =>
      ({ kind: 'session', sessionId, keyId, keyLabel: 'x', role: 'ADMIN', appId: 1, vkAppId: 2, expiresAt: new Date() }) as const;
    expect(rateLimitKey(session(9, 7), '10.0.0.1')).toBe('key:7');
    expect(rateLimitKey(session(10, 7), '10.0.0.2')).toBe('key:7');
    expect(rateLimitKey(session(11, null), '10.0.0.1')).toBe('root');
  });

  it('is the client address without a valid token: an IPv6 client by its /64, an IPv4-mapped one as IPv4', () => {
    expect(rateLimitKey(null, '10.0.0.1')).toBe('addr:10.0.0.1');
    expect(rateLimitKey(null, '::ffff:10.0.0.1')).toBe('addr:10.0.0.1');
    expect(rateLimitKey(null, '2001:db8:0:7::1')).toBe(rateLimitKey(null, '2001:db8:0:7:dead:beef:0:2'));
    expect(rateLimitKey(null, '2001:db8:0:7::1')).not.toBe(rateLimitKey(null, '2001:db8:0:8::1'));
    expect(rateLimitKey(null, undefined)).toBe('addr:unknown');
  });
});
