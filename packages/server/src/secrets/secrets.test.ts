import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { isSealed } from './cipher.js';
import { SecretsKey } from './key.js';
import { Secrets, SecretsError, type SecretSlot } from './secrets.js';

const A = SecretsKey.generate();
const B = SecretsKey.generate();
const SECRET = 'AbCdEf0123456789XyZw';
const current = (vkAppId: number): SecretSlot => ({ column: 'apps.secret_key', vkAppId });
const previous = (vkAppId: number): SecretSlot => ({ column: 'apps.previous_secret_key', vkAppId });

describe('secrets at rest', () => {
  it('stores v1:<key id>:<iv>:<ciphertext> with nothing of the secret in it, and reads it back', () => {
    const secrets = new Secrets(A);
    const stored = secrets.seal(SECRET, current(1));
    expect(stored).toMatch(new RegExp(`^v1:${A.id}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$`));
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(SECRET.slice(-4));
    expect(new Secrets(A).open(stored, current(1))).toBe(SECRET);
    // A fresh IV each time: the same secret never stores the same twice.
    expect(secrets.seal(SECRET, current(1))).not.toBe(stored);
  });

  it.each([
    ['to another app', current(2)],
    ['from the current to the previous key column', previous(1)],
    ['to the fulfilment signing secret column', { column: 'fulfilment_endpoints.signing_secret', vkAppId: 1 } satisfies SecretSlot],
  ])('a ciphertext copied %s does not decrypt there, cached or not', (_, elsewhere) => {
    const secrets = new Secrets(A);
    const stored = secrets.seal(SECRET, current(1));
    expect(() => new Secrets(A).open(stored, elsewhere)).toThrowError(/not written for this app and column/);
    expect(secrets.open(stored, current(1))).toBe(SECRET); // now cached for its own place
    expect(() => secrets.open(stored, elsewhere)).toThrowError(SecretsError);
  });

  it('the previous-key column does not decrypt in the current-key column either', () => {
    const stored = new Secrets(A).seal(SECRET, previous(1));
    expect(() => new Secrets(A).open(stored, current(1))).toThrowError(SecretsError);
  });

  it('a changed byte does not decrypt', () => {
    const stored = new Secrets(A).seal(SECRET, current(1));
    const body = stored.split(':')[3]!;
    const flipped = `${body.slice(0, 5)}${body[5] === 'A' ? 'B' : 'A'}${body.slice(6)}`;
    expect(() => new Secrets(A).open(stored.replace(body, flipped), current(1))).toThrowError(SecretsError);
  });

  it('during a key rotation both keys decrypt and new values are written under the new one', () => {
    const old = new Secrets(A).seal(SECRET, current(1));
    const rotating = new Secrets(B, A);
    expect(rotating.open(old, current(1))).toBe(SECRET);
    expect(rotating.writtenWith(old)).toBe('previous');
    expect(rotating.writtenWith(rotating.seal(SECRET, current(1)))).toBe('current');
  });

  it('a value under a key the server does not have fails naming key ids, never a secret or a key', () => {
    const stored = new Secrets(A).seal(SECRET, current(7));
    let message = '';
    try {
      new Secrets(B).open(stored, current(7));
    } catch (err) {
      expect(err).toBeInstanceOf(SecretsError);
      message = (err as Error).message;
    }
    expect(message).toContain(`apps.secret_key of app 7 was encrypted with secrets key ${A.id}`);
    expect(message).toContain(`VKP_SECRETS_KEY is ${B.id}`);
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(A.toBase64());
    expect(message).not.toContain(B.toBase64());
  });

  it('a plain-text value of an older version is recognised and refused at runtime', () => {
    const secrets = new Secrets(A);
    expect(secrets.writtenWith(SECRET)).toBe('plaintext');
    expect(isSealed(SECRET)).toBe(false);
    expect(() => secrets.open(SECRET, current(1))).toThrowError(/is not encrypted/);
  });

  it('the hot path decrypts a value once, and the cache stays within its bound', () => {
    const secrets = new Secrets(A, null, 3);
    const stored = [1, 2, 3, 4].map((app) => secrets.seal(`${SECRET}${app}`, current(app)));
    for (let i = 0; i < 10_000; i++) expect(secrets.open(stored[0]!, current(1))).toBe(`${SECRET}1`);
    expect(secrets.decryptions).toBe(1);
    // Four values through a cache of three: the least recently used one is decrypted again.
    for (const [i, s] of stored.entries()) secrets.open(s, current(i + 1));
    expect(secrets.decryptions).toBe(4);
    secrets.open(stored[3]!, current(4));
    expect(secrets.decryptions).toBe(4);
    secrets.open(stored[0]!, current(1));
    expect(secrets.decryptions).toBe(5);
  });

  it('neither the key nor its config ever prints: JSON, inspect and string show only its id', () => {
    const text = A.toBase64();
    const config = loadConfig({ VKP_SECRETS_KEY: text, VKP_SECRETS_KEY_PREVIOUS: B.toBase64() });
    expect(config.secretsKey?.id).toBe(A.id);
    for (const shown of [
      JSON.stringify(config),
      inspect(config, { depth: 5 }),
      String(config.secretsKey),
      `${inspect(new Secrets(A, B))}`,
    ]) {
      expect(shown).not.toContain(text);
      expect(shown).not.toContain(B.toBase64());
      expect(shown).not.toContain(A.bytes.toString('hex'));
    }
    expect(JSON.stringify(config)).toContain(`[secrets key ${A.id}]`);
  });
});
