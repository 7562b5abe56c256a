/**
 * API keys and widget sessions (ARCHITECTURE.md §4–§5). Tokens are returned once, at creation; only their
 * hashes are stored. Nobody can hand out more access than they hold.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { Role } from '@vk-payments/shared';
import { z } from 'zod';
import { App } from '../apps/app.entity.js';
import { audit, snapshot } from '../audit/audit.service.js';
import { ApiError, badInput, notFound, parseInput } from '../graphql/errors.js';
import { ApiKey } from './api-key.entity.js';
import { mayActOn, type Principal } from '../access/permissions.js';
import { generateToken, hashToken, TOKEN_PREFIX } from './tokens.js';
import { WidgetSession } from './widget-session.entity.js';

export const SESSION_TTL = { default: 15 * 60, min: 60, max: 24 * 60 * 60 } as const;

const label = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');

const who = (p: Principal): string => (p.kind === 'root' ? 'root' : p.role);

export interface CreatedKey {
  token: string;
  apiKey: ApiKey;
}

/** A key for one app, or (root only, vkAppId null) a platform-wide MODERATOR key. */
export async function createApiKey(
  em: EntityManager,
  principal: Principal,
  app: App | null,
  role: Role,
  rawLabel: string,
): Promise<CreatedKey> {
  const keyLabel = parseInput(label, rawLabel);
  if (app === null && role !== 'MODERATOR')
    throw badInput('role', { reason: 'notAllowed', rule: 'appless' }, 'a key without an app must be a MODERATOR key');
  if (app !== null && role === 'MODERATOR')
    throw badInput('role', { reason: 'notAllowed', rule: 'moderatorWithApp' }, 'MODERATOR keys are platform-wide: leave vkAppId out');
  if (!mayActOn(principal, role)) throw new ApiError('FORBIDDEN', `a ${who(principal)} token may not create a ${role} key`);
  // A widget session lives minutes in a browser; a key made with it would outlive it for good.
  if (principal.kind === 'session')
    throw new ApiError('FORBIDDEN', 'API keys are created with an API key or the root token, not with a widget session');
  const token = generateToken(TOKEN_PREFIX.key);
  const apiKey = em.create(ApiKey, { app, role, label: keyLabel, tokenHash: hashToken(token) });
  await em.flush();
  audit(em, principal, {
    appId: app?.id ?? null,
    action: 'apikey.create',
    target: String(apiKey.id),
    after: snapshot(apiKey, ['role', 'label']),
  });
  await em.flush();
  return { token, apiKey };
}

export async function findApiKey(em: EntityManager, id: number): Promise<ApiKey> {
  const key = await em.findOne(ApiKey, { id, role: { $ne: 'ROOT' } }, { populate: ['app'] });
  if (!key) throw notFound(`API key ${id}`);
  return key;
}

/** Revokes the key and, with it, every widget session it minted. Revoking twice keeps the first time. */
export async function revokeApiKey(em: EntityManager, principal: Principal, key: ApiKey): Promise<ApiKey> {
  if (!mayActOn(principal, key.role as Role)) throw new ApiError('FORBIDDEN', `a ${who(principal)} token may not revoke a ${key.role} key`);
  if (key.revokedAt) return key;
  key.revokedAt = new Date();
  audit(em, principal, {
    appId: key.app?.id ?? null,
    action: 'apikey.revoke',
    target: String(key.id),
    before: snapshot(key, ['role', 'label']),
  });
  await em.flush();
  return key;
}

export async function listApiKeys(em: EntityManager, app: App | null): Promise<ApiKey[]> {
  return em.find(ApiKey, { app, role: { $ne: 'ROOT' } }, { orderBy: { id: 'desc' } });
}

export interface MintedSession {
  id: number;
  token: string;
  expiresAt: Date;
  role: Role;
  vkAppId: number;
}

export async function createWidgetSession(
  em: EntityManager,
  principal: Principal,
  app: App,
  role: Role,
  ttlSeconds: number | null | undefined,
): Promise<MintedSession> {
  const ttl = ttlSeconds ?? SESSION_TTL.default;
  if (!Number.isInteger(ttl) || ttl < SESSION_TTL.min || ttl > SESSION_TTL.max) {
    throw badInput(
      'ttlSeconds',
      { reason: 'outOfRange', min: SESSION_TTL.min, max: SESSION_TTL.max },
      `must be between ${SESSION_TTL.min} and ${SESSION_TTL.max}`,
    );
  }
  if (role === 'VIEWER') throw badInput('role', { reason: 'notAllowed', rule: 'viewerSession' }, 'a VIEWER session could do nothing here');
  if (!mayActOn(principal, role)) throw new ApiError('FORBIDDEN', `a ${who(principal)} key may not mint a ${role} session`);
  const token = generateToken(TOKEN_PREFIX.session);
  const session = em.create(WidgetSession, {
    app,
    apiKey: principal.kind === 'key' ? principal.keyId : null,
    role,
    tokenHash: hashToken(token),
    expiresAt: new Date(Date.now() + ttl * 1000),
  });
  await em.flush();
  return { id: session.id, token, expiresAt: session.expiresAt, role, vkAppId: app.vkAppId };
}

export async function findWidgetSession(em: EntityManager, id: number): Promise<WidgetSession> {
  const session = await em.findOne(WidgetSession, { id }, { populate: ['app', 'apiKey'] });
  if (!session) throw notFound(`widget session ${id}`);
  return session;
}

export async function revokeWidgetSession(em: EntityManager, principal: Principal, session: WidgetSession): Promise<boolean> {
  if (!mayActOn(principal, session.role as Role))
    throw new ApiError('FORBIDDEN', `a ${who(principal)} token may not revoke a ${session.role} session`);
  if (!session.revokedAt) {
    session.revokedAt = new Date();
    await em.flush();
  }
  return true;
}
