/**
 * The game-backend webhook's signing secrets as stored: encrypted (secrets/), each with its hint beside
 * it. The current one is written when the endpoint is created or its secret rotated; a rotation with an
 * overlap moves the one before it to the previous-secret column until an expiry. Decrypted only where a
 * delivery is signed (the worker, and the server-made headers of `fulfilmentEvents`).
 */
import type { Secrets, SecretSlot } from '../secrets/secrets.js';
import type { FulfilmentEndpoint } from './fulfilment.entity.js';
import { signingSecretHint } from '../secrets/hints.js';

const slot = (vkAppId: number): SecretSlot => ({ column: 'fulfilment_endpoints.signing_secret', vkAppId });
const previousSlot = (vkAppId: number): SecretSlot => ({ column: 'fulfilment_endpoints.previous_signing_secret', vkAppId });

export function signingSecretColumns(
  secrets: Secrets,
  vkAppId: number,
  secret: string,
): Pick<FulfilmentEndpoint, 'sealedSigningSecret' | 'signingSecretHint'> {
  return { sealedSigningSecret: secrets.seal(secret, slot(vkAppId)), signingSecretHint: signingSecretHint(secret) };
}

/** The previous secret's columns: `secret` until `expiresAt`, or none (null) when the old one stops at once. */
export function previousSigningSecretColumns(
  secrets: Secrets,
  vkAppId: number,
  previous: { secret: string; expiresAt: Date } | null,
): Pick<FulfilmentEndpoint, 'sealedPreviousSigningSecret' | 'previousSigningSecretHint' | 'previousSecretExpiresAt'> {
  if (!previous) return { sealedPreviousSigningSecret: null, previousSigningSecretHint: null, previousSecretExpiresAt: null };
  return {
    sealedPreviousSigningSecret: secrets.seal(previous.secret, previousSlot(vkAppId)),
    previousSigningSecretHint: signingSecretHint(previous.secret),
    previousSecretExpiresAt: previous.expiresAt,
  };
}

/** Throws SecretsError when it cannot be read with this server's keys. */
export function openSigningSecret(secrets: Secrets, vkAppId: number, stored: string): string {
  return secrets.open(stored, slot(vkAppId));
}

/** The stored secrets of one endpoint, as the entity or a raw row gives them. */
export interface StoredSigningSecrets {
  sealedSigningSecret: string;
  sealedPreviousSigningSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

/** True while the previous secret still signs: it exists and its expiry is after `now`. */
export const overlapRunning = (
  e: Pick<StoredSigningSecrets, 'sealedPreviousSigningSecret' | 'previousSecretExpiresAt'>,
  now: Date,
): boolean => e.sealedPreviousSigningSecret !== null && e.previousSecretExpiresAt !== null && now < e.previousSecretExpiresAt;

/**
 * The secrets a delivery made at `now` is signed with, the current one first; the previous one only
 * until its expiry (decided here, at signing time: nothing has to run when the overlap ends). Throws
 * SecretsError when one cannot be read.
 */
export function signingSecretsAt(secrets: Secrets, vkAppId: number, e: StoredSigningSecrets, now: Date): string[] {
  const current = openSigningSecret(secrets, vkAppId, e.sealedSigningSecret);
  if (!overlapRunning(e, now)) return [current];
  return [current, secrets.open(e.sealedPreviousSigningSecret!, previousSlot(vkAppId))];
}
