/**
 * AES-256-GCM for secrets at rest, in a self-describing stored form:
 *
 *   v1:<key id>:<iv>:<ciphertext and tag>        (each part base64url)
 *
 * The version says how to read the rest; the key id says which secrets key wrote it (so a key rotation
 * knows what is left to re-encrypt, and an error can say which key is missing); anything else is a
 * plain-text value written before secrets were encrypted. The associated data binds a ciphertext to its
 * place (which column of which app): GCM refuses to decrypt it anywhere else, so a value copied to
 * another row or from the current to the previous key column does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretsKey } from './key.js';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^v1:([A-Za-z0-9_-]{11}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22,})$/;

export interface Sealed {
  keyId: string;
  iv: Buffer;
  /** Ciphertext followed by the 16-byte tag. */
  body: Buffer;
}

/** The parts of a stored value, or null when it is not in the encrypted form (plain text of older versions). */
export function parseSealed(stored: string): Sealed | null {
  const m = SEALED.exec(stored);
  if (!m) return null;
  return { keyId: m[1]!, iv: Buffer.from(m[2]!, 'base64url'), body: Buffer.from(m[3]!, 'base64url') };
}

export const isSealed = (stored: string): boolean => SEALED.test(stored);

export function seal(key: SecretsKey, plaintext: string, associatedData: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.bytes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1:${key.id}:${iv.toString('base64url')}:${body.toString('base64url')}`;
}

/** The plaintext; throws when the key, the associated data or the bytes are not the ones it was sealed with. */
export function open(key: SecretsKey, sealed: Sealed, associatedData: string): string {
  const decipher = createDecipheriv(ALGORITHM, key.bytes, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(sealed.body.subarray(sealed.body.length - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.body.subarray(0, sealed.body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}
