/**
 * Where the server's secrets key comes from (README "Security"): VKP_SECRETS_KEY when set. Otherwise,
 * on SQLite, a key file beside the database, generated at the first start — the database and its key
 * then travel together, and `pnpm start` needs no setup. On PostgreSQL there is no such place that every
 * instance shares, so the operator must give the key: the server refuses to start without it.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { ConfigError, type Config } from '../config.js';
import { MAKE_A_KEY, SecretsKey } from './key.js';
import { Secrets } from './secrets.js';

export type KeySource = { kind: 'env' } | { kind: 'file'; path: string; created: boolean; mode: number };

export interface LoadedSecrets {
  secrets: Secrets;
  source: KeySource;
}

/** `data/vk-payments.sqlite` → `data/vk-payments.secrets-key`. */
export function keyFilePath(sqlitePath: string): string {
  const name = basename(sqlitePath, extname(sqlitePath)) || basename(sqlitePath);
  return join(dirname(sqlitePath), `${name}.secrets-key`);
}

export async function loadSecrets(config: Config): Promise<LoadedSecrets> {
  const previous = config.secretsKeyPrevious ?? null;
  if (config.secretsKey) return { secrets: new Secrets(config.secretsKey, previous), source: { kind: 'env' } };
  if (config.database.dialect === 'postgresql') {
    throw new ConfigError(
      `VKP_SECRETS_KEY: required with PostgreSQL (every instance needs the same key to read the apps' keys and signing secrets). ` +
        `Make one with: ${MAKE_A_KEY}`,
    );
  }
  const path = keyFilePath(config.database.path);
  const { key, created } = await readOrCreateKeyFile(path);
  const { mode } = await stat(path);
  return { secrets: new Secrets(key, previous), source: { kind: 'file', path, created, mode: mode & 0o777 } };
}

/** One line for the start banner: where the key is, and that backups need it. Never the key. */
export function describeKeySource(source: KeySource): string {
  if (source.kind === 'env') return 'from VKP_SECRETS_KEY (keep it safe: database backups cannot be read without it)';
  const loose = source.mode & 0o077 ? `; WARNING: the file is readable by others (mode ${source.mode.toString(8)}), chmod 600 it` : '';
  return `${source.created ? 'generated in' : 'read from'} ${source.path}: back it up with the database, which cannot be read without it${loose}`;
}

/**
 * Reads the key file, or creates it (mode 0600) when there is none. Two processes starting at once on a
 * new database both end up with the first one's key: each writes its own temporary file and links it
 * into place, which fails for the second, who then reads the winner's.
 */
async function readOrCreateKeyFile(path: string): Promise<{ key: SecretsKey; created: boolean }> {
  const existing = await readKeyFile(path);
  if (existing) return { key: existing, created: false };
  await mkdir(dirname(path), { recursive: true });
  const key = SecretsKey.generate();
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${key.toBase64()}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
    return { key, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const winner = await readKeyFile(path);
    if (!winner) throw new ConfigError(`${path}: could not read the secrets key file another process just wrote`);
    return { key: winner, created: false };
  } finally {
    await unlink(temporary).catch(() => {});
  }
}

async function readKeyFile(path: string): Promise<SecretsKey | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(`${path}: cannot read the secrets key file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const key = SecretsKey.parse(text);
  if (!key) throw new ConfigError(`${path}: not a secrets key (expected 32 bytes in base64, as \`${MAKE_A_KEY}\` prints)`);
  return key;
}
