import { describe, expect, it } from 'vitest';
import { apiVersionLockReason, isApiVersionLocked, selectableApiVersions, sendsVersionField } from './api-version.js';

describe("the API-version rule of VK's panel", () => {
  it('an app registered in December 2023 may choose; one registered at midnight of 1 January 2024 in Moscow may not', () => {
    expect(isApiVersionLocked(new Date('2023-12-31T20:59:59.999Z'))).toBe(false);
    expect(isApiVersionLocked(new Date('2023-12-31T21:00:00.000Z'))).toBe(true);
  });

  it('an unknown registration date counts as modern, and the reason says how to change that', () => {
    expect(isApiVersionLocked(null)).toBe(true);
    expect(apiVersionLockReason(null)).toContain('set vkRegisteredAt with updateApp');
    expect(selectableApiVersions(null)).toEqual(['5.132']);
  });

  it('an older app may choose among every version the server understands', () => {
    expect(apiVersionLockReason(new Date('2020-01-01'))).toBeNull();
    expect(selectableApiVersions(new Date('2020-01-01'))).toEqual(['5.131', '5.132']);
  });

  it('only 5.132 and later formats carry the version field (docs/protocol.md §6)', () => {
    expect(sendsVersionField('5.131')).toBe(false);
    expect(sendsVersionField('5.132')).toBe(true);
    expect(sendsVersionField('5.199')).toBe(true);
  });
});
