import { describe, expect, it } from 'vitest';
import type { Principal } from '../access/permissions.js';
import type { Authentication } from '../keys/tokens.js';
import { createAdmission } from './admission.js';
import { createRateLimiter } from './rate-limit.js';

const KEY: Principal = { kind: 'key', keyId: 1, label: 'k', role: 'ADMIN', appId: 1, vkAppId: 1 };
const VALID = 'vkp_key_valid';

/** The token lookup, counting how often the database would be asked. */
function lookups(): { lookup: (token: string | undefined) => Promise<Authentication>; count: () => number; revoke: () => void } {
  let n = 0;
  let revoked = false;
  return {
    lookup: (token) => {
      if (token) n++;
      if (!token) return Promise.resolve({ principal: null, reason: null });
      return Promise.resolve(
        token === VALID && !revoked ? { principal: KEY } : { principal: null, reason: 'the bearer token is not valid or was revoked' },
      );
    },
    count: () => n,
    revoke: () => (revoked = true),
  };
}

describe('letting an API request in', () => {
  it('refuses an address out of allowance before looking its made-up tokens up', async () => {
    const admission = createAdmission(createRateLimiter({ max: 3 }));
    const db = lookups();
    for (let i = 0; i < 3; i++) expect((await admission.admit(`vkp_key_made-up-${i}`, '203.0.113.1', db.lookup)).ok).toBe(true);
    expect(db.count()).toBe(3);
    for (let i = 0; i < 100; i++) {
      expect(await admission.admit(`vkp_key_made-up-again-${i}`, '203.0.113.1', db.lookup)).toEqual({ ok: false, retryAfterSeconds: 60 });
    }
    expect(await admission.admit(undefined, '203.0.113.1', db.lookup)).toMatchObject({ ok: false });
    expect(db.count()).toBe(3);
    // Another address is not affected, nor the same IPv6 client's neighbour /64.
    expect((await admission.admit('vkp_key_made-up', '203.0.113.2', db.lookup)).ok).toBe(true);
  });

  it('refuses every address of an IPv6 /64 once it is out of allowance', async () => {
    const admission = createAdmission(createRateLimiter({ max: 2 }));
    const db = lookups();
    await admission.admit(undefined, '2001:db8:0:1::1', db.lookup);
    await admission.admit(undefined, '2001:db8:0:1::2', db.lookup);
    expect((await admission.admit('vkp_key_x', '2001:db8:0:1::3', db.lookup)).ok).toBe(false);
    expect(db.count()).toBe(0);
    expect((await admission.admit('vkp_key_x', '2001:db8:0:2::1', db.lookup)).ok).toBe(true);
  });

  it('still looks up, and lets in, a token seen valid lately from an address out of allowance', async () => {
    const admission = createAdmission(createRateLimiter({ max: 2 }));
    const db = lookups();
    expect(await admission.admit(VALID, '203.0.113.1', db.lookup)).toEqual({ ok: true, auth: { principal: KEY } });
    await admission.admit('vkp_key_bad-1', '203.0.113.1', db.lookup);
    await admission.admit('vkp_key_bad-2', '203.0.113.1', db.lookup);
    expect((await admission.admit('vkp_key_bad-3', '203.0.113.1', db.lookup)).ok).toBe(false);
    const before = db.count();
    expect((await admission.admit(VALID, '203.0.113.1', db.lookup)).ok).toBe(true);
    expect(db.count()).toBe(before + 1);
    // Remembering a token never stands in for its lookup: once revoked it is looked up, refused (it spends
    // the address's allowance, which is out), and forgotten: the next try is refused before the lookup.
    db.revoke();
    expect((await admission.admit(VALID, '203.0.113.1', db.lookup)).ok).toBe(false);
    expect(db.count()).toBe(before + 2);
    expect((await admission.admit(VALID, '203.0.113.1', db.lookup)).ok).toBe(false);
    expect(db.count()).toBe(before + 2);
    // From an address with allowance left, the revoked token gets its lookup's answer: no principal.
    const elsewhere = await admission.admit(VALID, '198.51.100.7', db.lookup);
    expect(elsewhere.ok && elsewhere.auth.principal).toBe(null);
  });

  it('remembers a bounded number of tokens, the least recently used dropped first', async () => {
    const admission = createAdmission(createRateLimiter({ max: 2 }), 2);
    const valid = new Set(['a', 'b', 'c']);
    let n = 0;
    const lookup = (token: string | undefined): Promise<Authentication> => {
      n++;
      return Promise.resolve(
        token && valid.has(token) ? { principal: { ...KEY, keyId: token.charCodeAt(0) } } : { principal: null, reason: 'no' },
      );
    };
    for (const token of ['a', 'b', 'c']) await admission.admit(token, '198.51.100.1', lookup);
    for (let i = 0; i < 2; i++) await admission.admit('made-up', '203.0.113.1', lookup); // spends 203.0.113.1's allowance
    n = 0;
    expect((await admission.admit('a', '203.0.113.1', lookup)).ok).toBe(false); // dropped: refused early
    expect(n).toBe(0);
    expect((await admission.admit('c', '203.0.113.1', lookup)).ok).toBe(true);
    expect(n).toBe(1);
  });
});
