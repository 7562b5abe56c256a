/**
 * Who may do what (ARCHITECTURE.md §5, after VK's "who can see this section"). Every access decision goes
 * through `decide()`: the GraphQL authChecker calls it for operations named by `vkAppId`, and resolvers
 * of operations named by a record id call it once they know the record's app.
 */
import type { Role } from '@vk-payments/shared';

export type AppRole = Exclude<Role, 'MODERATOR'>;

/** Higher may do all that lower may; VIEWER ("partial access without Payments") may do nothing here. */
export const ROLE_RANK: Record<Role, number> = { CREATOR: 4, ADMIN: 3, PAYMENTS_ADMIN: 2, VIEWER: 1, MODERATOR: 0 };

export const PERMISSIONS = {
  /** Read an app's name and connection settings. */
  APP_READ: ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'MODERATOR'],
  /** The Payments section: settings, testers, catalog, logs, transactions, stats, the votes application, audit. */
  PAYMENTS: ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN'],
  /** Secret rotation and API keys ("creator/admin only"). */
  MANAGE_ACCESS: ['CREATOR', 'ADMIN'],
  /** Mint a widget session: with an API key (not with another session), for a role no higher than its own. */
  MINT_SESSION: ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'MODERATOR'],
  /** Read an app's applications to accept votes. */
  MODERATION_READ: ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'MODERATOR'],
  /** Approve or reject an application: platform moderators. */
  MODERATION_DECIDE: ['MODERATOR'],
  /** Anything only the root token may do (create apps, platform keys). */
  ROOT: [],
  /** Any valid token (e.g. `me`). */
  AUTHENTICATED: ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'VIEWER', 'MODERATOR'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export type Principal =
  | { kind: 'root'; keyId: number | null }
  | { kind: 'key'; keyId: number; label: string; role: Role; appId: number | null; vkAppId: number | null }
  | {
      kind: 'session';
      sessionId: number;
      keyId: number | null;
      keyLabel: string | null;
      role: Role;
      appId: number;
      vkAppId: number;
      expiresAt: Date;
    };

export type Decision = { ok: true } | { ok: false; reason: string };

const allow: Decision = { ok: true };

/**
 * May `principal` use `permission` on the app `vkAppId` (or, with `null`, on something not tied to
 * one app)? App roles only ever reach their own app; a platform-wide moderator reaches every app.
 */
export function decide(principal: Principal, permission: Permission, vkAppId: number | null): Decision {
  if (principal.kind === 'root') return allow;
  const allowed: readonly Role[] = PERMISSIONS[permission];
  if (!allowed.includes(principal.role)) {
    return { ok: false, reason: `the ${principal.role} role may not do this` };
  }
  if (permission === 'MINT_SESSION' && principal.kind !== 'key') {
    return { ok: false, reason: 'widget sessions are minted with an API key' };
  }
  if (vkAppId === null || permission === 'AUTHENTICATED') return allow;
  if (principal.vkAppId === null) return allow; // a platform-wide key (moderator)
  return principal.vkAppId === vkAppId ? allow : { ok: false, reason: `this token is for app ${principal.vkAppId}, not ${vkAppId}` };
}

/**
 * May `actor` act on a principal of `targetRole`: hand out a key or widget session of that role, or
 * revoke one? Only on its own rank or below (root on anyone; a moderator only on moderators, who are
 * outside the app ranks). Both ways alike: whoever may create a principal may revoke it, and nobody
 * may revoke one they could not have created (ARCHITECTURE.md §5 roles). The caller has already checked
 * that the actor may manage access on the target's app (`decide`).
 */
export function mayActOn(actor: Principal, targetRole: Role): boolean {
  if (actor.kind === 'root') return true;
  if (targetRole === 'MODERATOR' || actor.role === 'MODERATOR') return targetRole === actor.role;
  return ROLE_RANK[targetRole] <= ROLE_RANK[actor.role];
}

/** How a change is attributed in the audit log and on records. */
export function describeActor(p: Principal): string {
  switch (p.kind) {
    case 'root':
      return p.keyId === null ? 'root (VKP_ADMIN_TOKEN)' : `root token ${p.keyId}`;
    case 'key':
      return `key ${p.keyId} "${p.label}" (${p.role})`;
    case 'session':
      return `widget session ${p.sessionId} (${p.role})${p.keyId === null ? ' via root' : ` via key ${p.keyId} "${p.keyLabel ?? ''}"`}`;
  }
}

/** `describeActor`'s two texts that carry an API key's label, anchored so a label with quotes in it is still all of it. */
const KEY_ACTOR = /^(key (\d+)) ".*" (\([A-Z_]+\))$/s;
const SESSION_VIA_KEY = /^(widget session \d+ \([A-Z_]+\) via key (\d+)) ".*"$/s;

/**
 * An actor text (`describeActor`) as `viewer` may read it. API keys — their labels included — are
 * access management, for CREATOR and ADMIN only (ARCHITECTURE.md §5): anyone else (a PAYMENTS_ADMIN reading
 * the audit trail, a platform moderator reading an application) sees `key 12 (ADMIN)`, and the label
 * only of its own key.
 */
export function actorAsSeenBy(viewer: Principal | null | undefined, actor: string): string {
  if (viewer && decide(viewer, 'MANAGE_ACCESS', null).ok) return actor;
  const own = viewer && viewer.kind !== 'root' && viewer.keyId !== null ? String(viewer.keyId) : null;
  const key = KEY_ACTOR.exec(actor);
  if (key) return key[2] === own ? actor : `${key[1]} ${key[3]}`;
  const session = SESSION_VIA_KEY.exec(actor);
  if (session) return session[2] === own ? actor : session[1]!;
  return actor;
}
