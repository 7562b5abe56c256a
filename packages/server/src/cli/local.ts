/** CLI access to the local database, for commands run on the server's own machine. */
import { openCurrentKey } from '../secrets/app-keys.js';
import { App } from '../apps/app.entity.js';
import type { Config } from '../config.js';
import { migrate, openOrm, type Orm } from '../db/orm.js';
import { openSql } from '../db/sql.js';
import { encryptPlaintextSecrets, rotateSecretsKey, type ResealCounts } from '../secrets/at-rest.js';
import { loadSecrets, type KeySource } from '../secrets/key-file.js';
import type { Secrets } from '../secrets/secrets.js';

export interface LocalDatabase {
  config: Config;
  orm: Orm;
  /** The same keys the server would use (VKP_SECRETS_KEY, or the key file beside the SQLite database). */
  secrets: Secrets;
  secretsKeySource: KeySource;
}

export async function withDatabase<T>(config: Config, fn: (db: LocalDatabase) => Promise<T>): Promise<T> {
  const { secrets, source } = await loadSecrets(config);
  const orm = await openOrm(config.database);
  try {
    return await fn({ config, orm, secrets, secretsKeySource: source });
  } finally {
    await orm.close();
  }
}

/** What the server does before it serves: the migrations, then the secrets older versions stored in plain text. */
export async function prepareDatabase(db: LocalDatabase): Promise<{ applied: string[]; secrets: ResealCounts }> {
  const applied = await migrate(db.orm);
  const sql = openSql(db.config.database);
  try {
    return { applied, secrets: await encryptPlaintextSecrets(sql, db.secrets) };
  } finally {
    await sql.close();
  }
}

/** `secrets rotate-key`: every stored secret under VKP_SECRETS_KEY, in one transaction. */
export async function rotateLocalSecrets(db: LocalDatabase): Promise<ResealCounts> {
  const { secrets: start } = await prepareDatabase(db);
  const sql = openSql(db.config.database);
  try {
    const counts = await rotateSecretsKey(sql, db.secrets);
    return { ...counts, encrypted: counts.encrypted + start.encrypted };
  } finally {
    await sql.close();
  }
}

/** The app's secret from the local database, so the simulator can sign like VK without it being typed. */
export async function localAppSecret(config: Config, vkAppId: number): Promise<string> {
  return withDatabase(config, async ({ orm, secrets }) => {
    const app = await orm.em.fork().findOne(App, { vkAppId }, { fields: ['vkAppId', 'sealedSecretKey'] });
    if (!app) throw new Error(`app ${vkAppId} is not in the local database (${describeDatabase(config)}); pass --secret instead`);
    return openCurrentKey(secrets, app);
  });
}

export function describeDatabase(config: Config): string {
  return config.database.dialect === 'sqlite'
    ? config.database.path
    : new URL(config.database.url).host + new URL(config.database.url).pathname;
}
