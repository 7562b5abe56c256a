import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { describeKeySource, keyFilePath, loadSecrets } from './key-file.js';

const sqliteConfig = (dir = mkdtempSync(join(tmpdir(), 'vkp-key-'))): Config => ({
  ...loadConfig({}),
  database: { dialect: 'sqlite', path: join(dir, 'vk-payments.sqlite') },
});

describe('where the secrets key comes from', () => {
  it('on SQLite without VKP_SECRETS_KEY: generates a key file beside the database, mode 0600, and the next start reads it', async () => {
    const config = sqliteConfig();
    const first = await loadSecrets(config);
    const path = keyFilePath(config.database.dialect === 'sqlite' ? config.database.path : '');
    expect(path).toMatch(/vk-payments\.secrets-key$/);
    expect(first.source).toMatchObject({ kind: 'file', path, created: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const notice = describeKeySource(first.source);
    expect(notice).toContain(path);
    expect(notice).toMatch(/back it up with the database/);
    expect(notice).not.toContain(first.secrets.current.toBase64());

    const again = await loadSecrets(config);
    expect(again.source).toMatchObject({ kind: 'file', created: false });
    expect(again.secrets.current.id).toBe(first.secrets.current.id);
    expect(readFileSync(path, 'utf8').trim()).toBe(first.secrets.current.toBase64());
  });

  it('two processes starting together on a new SQLite database end up with one key', async () => {
    const config = sqliteConfig();
    const loaded = await Promise.all(Array.from({ length: 8 }, () => loadSecrets(config)));
    expect(new Set(loaded.map((l) => l.secrets.current.id)).size).toBe(1);
    expect(loaded.filter((l) => l.source.kind === 'file' && l.source.created)).toHaveLength(1);
  });

  it('warns at start when the key file is readable by others', async () => {
    const config = sqliteConfig();
    const { source } = await loadSecrets(config);
    if (source.kind !== 'file') throw new Error('expected a key file');
    expect(describeKeySource(source)).not.toMatch(/readable by others/);
    chmodSync(source.path, 0o644);
    const again = (await loadSecrets(config)).source;
    expect(describeKeySource(again)).toMatch(/^read from .*readable by others \(mode 644\), chmod 600 it/);
  });

  it('refuses a damaged key file, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vkp-key-'));
    writeFileSync(join(dir, 'vk-payments.secrets-key'), 'not a key\n');
    await expect(loadSecrets(sqliteConfig(dir))).rejects.toThrowError(/vk-payments\.secrets-key: not a secrets key/);
  });

  it('VKP_SECRETS_KEY wins over the key file, and nothing is written', async () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    const dir = mkdtempSync(join(tmpdir(), 'vkp-key-'));
    const config = { ...loadConfig({ VKP_SECRETS_KEY: key }), database: { dialect: 'sqlite' as const, path: join(dir, 'db.sqlite') } };
    const { secrets, source } = await loadSecrets(config);
    expect(source).toEqual({ kind: 'env' });
    expect(secrets.current.toBase64()).toBe(key);
    expect(() => statSync(join(dir, 'db.secrets-key'))).toThrow();
  });

  it('on PostgreSQL without VKP_SECRETS_KEY: refuses to start, saying how to make one', async () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/none' });
    const refused = loadSecrets(config);
    await expect(refused).rejects.toThrowError(ConfigError);
    await expect(refused).rejects.toThrowError(/^VKP_SECRETS_KEY: required with PostgreSQL.*openssl rand -base64 32.*node -e/);
  });
});
