/**
 * The app's protected keys as stored: encrypted (secrets/), each with its hint beside it. Written when
 * an app is created or its key rotated; decrypted only where a signature is made or checked (the
 * endpoint's store, devtools, the URL check, the CLI).
 */
import { secretKeyHint } from './hints.js';
import type { Secrets } from './secrets.js';

/** The key columns of an app (apps/app.entity.ts), as this module writes and reads them. */
export interface AppKeyColumns {
  vkAppId: number;
  sealedSecretKey: string;
  secretKeyHint: string | null;
  sealedPreviousSecretKey: string | null;
  previousSecretKeyHint: string | null;
}

export type StoredAppKeys = Pick<AppKeyColumns, 'vkAppId' | 'sealedSecretKey' | 'sealedPreviousSecretKey'>;

export interface AppKeys {
  current: string;
  /** The key before the last rotation, whether or not its overlap is still running. */
  previous: string | null;
}

export function currentKeyColumns(
  secrets: Secrets,
  vkAppId: number,
  key: string,
): Pick<AppKeyColumns, 'sealedSecretKey' | 'secretKeyHint'> {
  return { sealedSecretKey: secrets.seal(key, { column: 'apps.secret_key', vkAppId }), secretKeyHint: secretKeyHint(key) };
}

export function previousKeyColumns(
  secrets: Secrets,
  vkAppId: number,
  key: string | null,
): Pick<AppKeyColumns, 'sealedPreviousSecretKey' | 'previousSecretKeyHint'> {
  if (key === null) return { sealedPreviousSecretKey: null, previousSecretKeyHint: null };
  return {
    sealedPreviousSecretKey: secrets.seal(key, { column: 'apps.previous_secret_key', vkAppId }),
    previousSecretKeyHint: secretKeyHint(key),
  };
}

/** Decrypts the app's keys (through the keyring's cache); throws SecretsError when one cannot be read. */
export function openAppKeys(secrets: Secrets, app: StoredAppKeys): AppKeys {
  return { current: openCurrentKey(secrets, app), previous: openPreviousKey(secrets, app) };
}

export function openCurrentKey(secrets: Secrets, app: Pick<AppKeyColumns, 'vkAppId' | 'sealedSecretKey'>): string {
  return secrets.open(app.sealedSecretKey, { column: 'apps.secret_key', vkAppId: app.vkAppId });
}

export function openPreviousKey(secrets: Secrets, app: Pick<AppKeyColumns, 'vkAppId' | 'sealedPreviousSecretKey'>): string | null {
  const stored = app.sealedPreviousSecretKey;
  return stored === null ? null : secrets.open(stored, { column: 'apps.previous_secret_key', vkAppId: app.vkAppId });
}
