/**
 * What a bearer token looks like and how it is stored (only its hash): no database here, so the
 * API's door (http/admission.ts) loads without the ORM.
 */
import { createHash, randomBytes } from 'node:crypto';

export const ROOT_ROLE = 'ROOT';
export const TOKEN_PREFIX = { root: 'vkp_root', key: 'vkp_key', session: 'vkp_ws' } as const;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** `Authorization: Bearer <token>` → the token. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}
