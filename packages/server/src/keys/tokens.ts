/**
 * Bearer tokens: long random strings, stored only as SHA-256 (a slow password hash buys nothing for
 * 256-bit random tokens). A prefix says which table holds one: `vkp_root_`, `vkp_key_`, `vkp_ws_`.
 * The root token is either given as VKP_ADMIN_TOKEN or generated at first start.
 */
import { timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { Role } from '@vk-payments/shared';
import type { Principal } from '../access/permissions.js';
import { ApiKey } from './api-key.entity.js';
import { WidgetSession } from './widget-session.entity.js';
import { generateToken, hashToken, ROOT_ROLE, TOKEN_PREFIX } from '../access/token-format.js';

export { bearerToken, generateToken, hashToken, ROOT_ROLE, TOKEN_PREFIX } from '../access/token-format.js';

/** `lastUsedAt` is written at most this often per key, so reads do not turn into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

function sameToken(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(hashToken(a), 'hex'), Buffer.from(hashToken(b), 'hex'));
}

/**
 * When no root token is configured and none is stored, makes one, stores its hash and returns it so the
 * caller can print it once. Returns null otherwise.
 */
export async function ensureRootToken(em: EntityManager, configured: string | undefined): Promise<string | null> {
  if (configured) return null;
  if (await em.count(ApiKey, { role: ROOT_ROLE, revokedAt: null })) return null;
  return issueRootToken(em, 'root (generated at first start)');
}

/**
 * Revokes every stored root token and issues a new one (for a lost or leaked token). Widget sessions
 * minted with a root token (they have no API key) end too: whoever held the old token could have minted
 * 24-hour sessions with it, and a reset must not leave those working.
 */
export async function resetRootToken(em: EntityManager): Promise<string> {
  const now = new Date();
  await em.nativeUpdate(ApiKey, { role: ROOT_ROLE, revokedAt: null }, { revokedAt: now });
  await em.nativeUpdate(WidgetSession, { apiKey: null, revokedAt: null }, { revokedAt: now });
  return issueRootToken(em, 'root (reset from the CLI)');
}

async function issueRootToken(em: EntityManager, label: string): Promise<string> {
  const token = generateToken(TOKEN_PREFIX.root);
  em.create(ApiKey, { role: ROOT_ROLE, label, tokenHash: hashToken(token) });
  await em.flush();
  return token;
}

export type Authentication = { principal: Principal } | { principal: null; reason: string | null };

/** Who holds this bearer token; `reason` says why a token that was sent is not accepted. */
export async function authenticate(
  em: EntityManager,
  token: string | undefined,
  configuredRoot: string | undefined,
  now = new Date(),
): Promise<Authentication> {
  if (!token) return { principal: null, reason: null };
  if (configuredRoot && sameToken(token, configuredRoot)) return { principal: { kind: 'root', keyId: null } };
  const rejected = { principal: null, reason: 'the bearer token is not valid or was revoked' } as const;

  if (token.startsWith(`${TOKEN_PREFIX.session}_`)) {
    const session = await em.findOne(WidgetSession, { tokenHash: hashToken(token), revokedAt: null }, { populate: ['app', 'apiKey'] });
    if (!session || (session.apiKey && session.apiKey.revokedAt)) return rejected;
    if (session.expiresAt <= now) return { principal: null, reason: 'the widget session has expired' };
    return {
      principal: {
        kind: 'session',
        sessionId: session.id,
        keyId: session.apiKey?.id ?? null,
        keyLabel: session.apiKey?.label ?? null,
        role: session.role as Role,
        appId: session.app.id,
        vkAppId: session.app.vkAppId,
        expiresAt: session.expiresAt,
      },
    };
  }

  const key = await em.findOne(ApiKey, { tokenHash: hashToken(token), revokedAt: null }, { populate: ['app'] });
  if (!key) return rejected;
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: now });
  }
  if (key.role === ROOT_ROLE) return { principal: { kind: 'root', keyId: key.id } };
  return {
    principal: {
      kind: 'key',
      keyId: key.id,
      label: key.label,
      role: key.role as Role,
      appId: key.app?.id ?? null,
      vkAppId: key.app?.vkAppId ?? null,
    },
  };
}
