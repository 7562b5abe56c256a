/**
 * The keyring every part of the server encrypts and decrypts stored secrets with: the current key
 * (VKP_SECRETS_KEY) writes, and it or the previous one (VKP_SECRETS_KEY_PREVIOUS, during a key rotation)
 * reads. Decryptions are cached, so the notification endpoint's hot path decrypts an app's key once,
 * not once per request.
 */
import { open, parseSealed, seal } from './cipher.js';
import type { SecretsKey } from './key.js';

/** Every column that holds an encrypted secret; with the app, it is the associated data of its ciphertext. */
export const SECRET_COLUMNS = [
  'apps.secret_key',
  'apps.previous_secret_key',
  'fulfilment_endpoints.signing_secret',
  'fulfilment_endpoints.previous_signing_secret',
] as const;
export type SecretColumn = (typeof SECRET_COLUMNS)[number];

/**
 * Where a secret is stored: the column, and the app by VK's id (stable and known before the row is
 * inserted, unlike our autoincrement id).
 */
export interface SecretSlot {
  column: SecretColumn;
  vkAppId: number;
}

const associatedData = (slot: SecretSlot): string => `vk-payments:${slot.column}:${slot.vkAppId}`;
const where = (slot: SecretSlot): string => `${slot.column} of app ${slot.vkAppId}`;

/** A stored secret that cannot be read; the message names the place and the key ids, never a secret. */
export class SecretsError extends Error {
  override name = 'SecretsError';
}

/** How many decrypted secrets are kept: a few per app, for many more apps than one server usually has. */
export const DEFAULT_CACHE_SIZE = 1024;

export class Secrets {
  /** Keyed by place and ciphertext: a rotation writes a new ciphertext, so nothing needs invalidating. */
  readonly #cache = new Map<string, string>();
  #decryptions = 0;

  constructor(
    readonly current: SecretsKey,
    readonly previous: SecretsKey | null = null,
    readonly cacheSize = DEFAULT_CACHE_SIZE,
  ) {}

  /** The stored form of `plaintext` in `slot`, under the current key. */
  seal(plaintext: string, slot: SecretSlot): string {
    return seal(this.current, plaintext, associatedData(slot));
  }

  /** The secret stored in `slot`; throws SecretsError when it cannot be read with the keys given. */
  open(stored: string, slot: SecretSlot): string {
    // The place is part of the cache key: a ciphertext copied to another row must fail there, cached or not.
    const cacheKey = `${associatedData(slot)}\n${stored}`;
    const hit = this.#cache.get(cacheKey);
    if (hit !== undefined) {
      // Least recently used goes first: a hit moves to the end.
      this.#cache.delete(cacheKey);
      this.#cache.set(cacheKey, hit);
      return hit;
    }
    const plaintext = this.#decrypt(stored, slot);
    this.#cache.set(cacheKey, plaintext);
    if (this.#cache.size > this.cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
    return plaintext;
  }

  /** How many values were actually decrypted (cache misses), for tests and the curious. */
  get decryptions(): number {
    return this.#decryptions;
  }

  /** Which of our keys wrote a stored value: 'plaintext' for a value written before encryption. */
  writtenWith(stored: string): 'current' | 'previous' | 'plaintext' | 'unknown' {
    const sealed = parseSealed(stored);
    if (!sealed) return 'plaintext';
    if (sealed.keyId === this.current.id) return 'current';
    return sealed.keyId === this.previous?.id ? 'previous' : 'unknown';
  }

  #decrypt(stored: string, slot: SecretSlot): string {
    this.#decryptions++;
    const sealed = parseSealed(stored);
    if (!sealed) {
      throw new SecretsError(
        `${where(slot)} is not encrypted (written by an older version): start the server once, or run \`vk-payments migrate\`, to encrypt it`,
      );
    }
    const key = [this.current, this.previous].find((k) => k?.id === sealed.keyId);
    if (!key) {
      const known = `VKP_SECRETS_KEY is ${this.current.id}${this.previous ? `, VKP_SECRETS_KEY_PREVIOUS is ${this.previous.id}` : ''}`;
      throw new SecretsError(`${where(slot)} was encrypted with secrets key ${sealed.keyId}, which this server does not have (${known})`);
    }
    try {
      return open(key, sealed, associatedData(slot));
    } catch {
      throw new SecretsError(
        `${where(slot)} does not decrypt with secrets key ${key.id}: it was not written for this app and column (copied from another row?) or is damaged`,
      );
    }
  }
}
