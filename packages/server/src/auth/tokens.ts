/**
 * Bearer tokens: long random strings, stored only as SHA-256 (a slow password hash buys nothing for
 * 256-bit random tokens). The root token is either given as VKP_ADMIN_TOKEN or generated at first start.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { ApiKey } from './api-key.entity.js';

export const ROOT_ROLE = 'ROOT';

export type Principal = { kind: 'root'; keyId: number | null };

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(prefix = 'vkp'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

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

/** Revokes every stored root token and issues a new one (for a lost token). */
export async function resetRootToken(em: EntityManager): Promise<string> {
  await em.nativeUpdate(ApiKey, { role: ROOT_ROLE, revokedAt: null }, { revokedAt: new Date() });
  return issueRootToken(em, 'root (reset from the CLI)');
}

async function issueRootToken(em: EntityManager, label: string): Promise<string> {
  const token = generateToken('vkp_root');
  em.create(ApiKey, { role: ROOT_ROLE, label, tokenHash: hashToken(token) });
  await em.flush();
  return token;
}

/** Who holds this bearer token, or null when nobody does. */
export async function authenticate(em: EntityManager, token: string | undefined, configuredRoot: string | undefined): Promise<Principal | null> {
  if (!token) return null;
  if (configuredRoot && sameToken(token, configuredRoot)) return { kind: 'root', keyId: null };
  const key = await em.findOne(ApiKey, { tokenHash: hashToken(token), revokedAt: null });
  if (!key || key.role !== ROOT_ROLE) return null;
  return { kind: 'root', keyId: key.id };
}

/** `Authorization: Bearer <token>` → the token. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}
