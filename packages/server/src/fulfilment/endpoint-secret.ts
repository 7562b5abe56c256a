/**
 * The game-backend webhook's signing secret as stored: encrypted (secrets/), its hint beside it.
 * Written when the endpoint is created or its secret rotated; decrypted only by the worker that signs.
 */
import type { Secrets, SecretSlot } from '../secrets/secrets.js';
import type { FulfilmentEndpoint } from './fulfilment.entity.js';
import { signingSecretHint } from '../secrets/hints.js';

const slot = (vkAppId: number): SecretSlot => ({ column: 'fulfilment_endpoints.signing_secret', vkAppId });

export function signingSecretColumns(
  secrets: Secrets,
  vkAppId: number,
  secret: string,
): Pick<FulfilmentEndpoint, 'sealedSigningSecret' | 'signingSecretHint'> {
  return { sealedSigningSecret: secrets.seal(secret, slot(vkAppId)), signingSecretHint: signingSecretHint(secret) };
}

/** Throws SecretsError when it cannot be read with this server's keys. */
export function openSigningSecret(secrets: Secrets, vkAppId: number, stored: string): string {
  return secrets.open(stored, slot(vkAppId));
}
