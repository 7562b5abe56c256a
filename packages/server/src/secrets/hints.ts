/**
 * What the API may show of a stored secret, kept in a column beside it so that showing it never needs
 * the key: an app's VK secret key and a game-backend endpoint's signing secret.
 */

/** An app's secret key: its last four characters. */
export function secretKeyHint(secret: string): string {
  return `••••${secret.slice(-4)}`;
}

/** A Standard Webhooks signing secret (fulfilment/signing.ts): its prefix and last four characters. */
export const signingSecretHint = (secret: string): string => `whsec_••••${secret.slice(-4)}`;
