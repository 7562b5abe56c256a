import type { Role } from '@vk-payments/shared';
import { describe, expect, it } from 'vitest';
import { actorAsSeenBy, describeActor, mayActOn, type Principal } from './permissions.js';

const key = (keyId: number, role: Role, label = `key ${keyId}`): Principal => ({ kind: 'key', keyId, label, role, appId: 1, vkAppId: 100 });
const root: Principal = { kind: 'root', keyId: null };

describe('ranks both ways', () => {
  const ROLES = ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'VIEWER'] as const;
  it.each(ROLES)('a %s acts on its own rank and below, never above', (actor) => {
    const allowed = ROLES.filter((target) => mayActOn(key(1, actor), target));
    expect(allowed).toEqual(ROLES.slice(ROLES.indexOf(actor)));
  });

  it('root acts on anyone; a moderator only on moderators, and no app role on a moderator', () => {
    expect([...ROLES, 'MODERATOR' as const].every((r) => mayActOn(root, r))).toBe(true);
    expect(ROLES.some((r) => mayActOn(key(1, 'MODERATOR'), r))).toBe(false);
    expect(mayActOn(key(1, 'MODERATOR'), 'MODERATOR')).toBe(true);
    expect(mayActOn(key(1, 'CREATOR'), 'MODERATOR')).toBe(false);
  });
});

describe('actors as a reader may see them', () => {
  const labelled = describeActor(key(7, 'CREATOR', 'ops "prod" (ADMIN) via key 9 "x"'));
  const session = describeActor({
    kind: 'session',
    sessionId: 3,
    keyId: 7,
    keyLabel: 'bot "b"',
    role: 'PAYMENTS_ADMIN',
    appId: 1,
    vkAppId: 100,
    expiresAt: new Date(),
  });

  it('CREATOR, ADMIN and root read the labels', () => {
    for (const reader of [root, key(2, 'CREATOR'), key(2, 'ADMIN')]) {
      expect(actorAsSeenBy(reader, labelled)).toBe(labelled);
      expect(actorAsSeenBy(reader, session)).toBe(session);
    }
  });

  it('anyone else reads "key N (ROLE)", however the label is quoted', () => {
    for (const reader of [key(2, 'PAYMENTS_ADMIN'), key(2, 'MODERATOR'), null]) {
      expect(actorAsSeenBy(reader, labelled)).toBe('key 7 (CREATOR)');
      expect(actorAsSeenBy(reader, session)).toBe('widget session 3 (PAYMENTS_ADMIN) via key 7');
    }
    expect(actorAsSeenBy(key(2, 'PAYMENTS_ADMIN'), 'root (VKP_ADMIN_TOKEN)')).toBe('root (VKP_ADMIN_TOKEN)');
  });

  it("a reader sees its own key's label", () => {
    expect(actorAsSeenBy(key(7, 'PAYMENTS_ADMIN'), labelled)).toBe(labelled);
    expect(actorAsSeenBy(key(7, 'PAYMENTS_ADMIN'), session)).toBe(session);
  });
});
