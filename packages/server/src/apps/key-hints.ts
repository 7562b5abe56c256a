import type { App } from './app.entity.js';

/**
 * What may be shown of the keys: hints only, and the previous one only while it still verifies. The
 * hints are stored beside the encrypted keys, so showing them decrypts nothing.
 */
export function keyHints(
  app: Pick<App, 'secretKeyHint' | 'sealedPreviousSecretKey' | 'previousSecretKeyHint' | 'previousSecretExpiresAt'>,
  now: Date = new Date(),
) {
  const overlap = app.sealedPreviousSecretKey !== null && app.previousSecretExpiresAt !== null && now < app.previousSecretExpiresAt;
  return {
    secretKeyHint: app.secretKeyHint ?? '••••',
    previousSecretKeyHint: overlap ? (app.previousSecretKeyHint ?? '••••') : null,
    previousSecretExpiresAt: overlap ? app.previousSecretExpiresAt : null,
  };
}
