/**
 * The secrets key (VKP_SECRETS_KEY): 32 random bytes that encrypt the apps' protected keys and the
 * fulfilment signing secrets at rest (cipher.ts). The object never shows its bytes: not in JSON, not in
 * `console.log`/`util.inspect`, so a logged config or context cannot leak it. Only its id is shown, a
 * short fingerprint that says which key wrote a stored value without revealing anything about the key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

export const SECRETS_KEY_BYTES = 32;

/** How an operator makes a key; quoted in every message about a missing or bad one. */
export const MAKE_A_KEY = "openssl rand -base64 32  (or: node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\")";

const KEY_TEXT = /^[A-Za-z0-9+/_-]+={0,2}$/;

export class SecretsKey {
  /** 11 base64url characters of SHA-256 over a label and the key: stored beside each ciphertext. */
  readonly id: string;
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    if (bytes.length !== SECRETS_KEY_BYTES) throw new Error(`a secrets key is ${SECRETS_KEY_BYTES} bytes`);
    this.#bytes = Buffer.from(bytes);
    this.id = createHash('sha256').update('vk-payments secrets key id\0').update(bytes).digest().subarray(0, 8).toString('base64url');
  }

  static generate(): SecretsKey {
    return new SecretsKey(randomBytes(SECRETS_KEY_BYTES));
  }

  /** The key from its text form (base64 or base64url of 32 bytes); null when it is not one. */
  static parse(text: string): SecretsKey | null {
    const trimmed = text.trim();
    if (!KEY_TEXT.test(trimmed)) return null;
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.length === SECRETS_KEY_BYTES ? new SecretsKey(bytes) : null;
  }

  /** For the cipher only. */
  get bytes(): Buffer {
    return this.#bytes;
  }

  /** The text to store in a key file: base64, as `openssl rand -base64 32` prints it. */
  toBase64(): string {
    return this.#bytes.toString('base64');
  }

  toJSON(): string {
    return `[secrets key ${this.id}]`;
  }

  toString(): string {
    return this.toJSON();
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}
