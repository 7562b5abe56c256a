/**
 * Brings every stored secret to the current secrets key, in one transaction:
 * - at each start, right after the migrations, plain-text values written by a version from before
 *   encryption are encrypted. A migration cannot do this: it runs SQL and does not know the key. It is
 *   idempotent (only values not yet encrypted are touched), and safe when several instances start
 *   together: on PostgreSQL it holds the migrations' advisory lock, on SQLite the write lock (BEGIN
 *   IMMEDIATE), and each update still checks the value it read.
 * - `vk-payments secrets rotate-key` also re-encrypts values written under VKP_SECRETS_KEY_PREVIOUS.
 * The hint shown in the API is written beside each value from the same plaintext.
 */
import { secretKeyHint, signingSecretHint } from './hints.js';
import { MIGRATION_LOCK } from '../db/schema-state.js';
import { all, one, run, type Row, type Sql, type TxBody } from '../db/sql.js';
import { Secrets, SecretsError, type SecretColumn } from './secrets.js';

interface StoredColumn {
  column: SecretColumn;
  /** Rows as (id, vk_app_id, value), only those with a value. */
  select: string;
  /** (new value, hint, id, value read): changes nothing if another writer got there first. */
  update: string;
  hint(plaintext: string): string;
}

const STORED: StoredColumn[] = [
  {
    column: 'apps.secret_key',
    select: 'select id, vk_app_id, secret_key as value from apps order by id',
    update: 'update apps set secret_key = ?, secret_key_hint = ? where id = ? and secret_key = ?',
    hint: secretKeyHint,
  },
  {
    column: 'apps.previous_secret_key',
    select: 'select id, vk_app_id, previous_secret_key as value from apps where previous_secret_key is not null order by id',
    update: 'update apps set previous_secret_key = ?, previous_secret_key_hint = ? where id = ? and previous_secret_key = ?',
    hint: secretKeyHint,
  },
  {
    column: 'fulfilment_endpoints.signing_secret',
    select: 'select e.id, a.vk_app_id, e.signing_secret as value from fulfilment_endpoints e join apps a on a.id = e.app_id order by e.id',
    update: 'update fulfilment_endpoints set signing_secret = ?, signing_secret_hint = ? where id = ? and signing_secret = ?',
    hint: signingSecretHint,
  },
  {
    column: 'fulfilment_endpoints.previous_signing_secret',
    select:
      'select e.id, a.vk_app_id, e.previous_signing_secret as value from fulfilment_endpoints e join apps a on a.id = e.app_id where e.previous_signing_secret is not null order by e.id',
    update:
      'update fulfilment_endpoints set previous_signing_secret = ?, previous_signing_secret_hint = ? where id = ? and previous_signing_secret = ?',
    hint: signingSecretHint,
  },
];

export interface ResealCounts {
  /** Plain-text values now encrypted. */
  encrypted: number;
  /** Values moved from the previous secrets key to the current one. */
  reencrypted: number;
  /** Values left as they were (at start: any encrypted one). */
  unchanged: number;
  /** At start: values encrypted with a key this server does not have (their apps answer error 2). */
  unreadable: number;
  /** Why the old bytes could not be scrubbed from the files (the values themselves are encrypted). */
  scrubFailed?: string;
}

/** At start: encrypts the values older versions stored in plain text. */
export async function encryptPlaintextSecrets(sql: Sql, secrets: Secrets): Promise<ResealCounts> {
  const counts = await sql.transaction(() => reseal(sql, secrets, false));
  return counts.encrypted ? { ...counts, ...(await scrub(sql)) } : counts;
}

/**
 * Once plain-text values (or values under a retired key) were replaced, their old bytes must not linger in the database's files: SQLite
 * zeroed them as it freed them (secure_delete, set in reseal), and a checkpoint empties the WAL that
 * still held the old pages; on PostgreSQL VACUUM FULL rewrites the two small tables without their dead
 * rows. Backups and WAL archives made before the upgrade still hold them (README "Security").
 */
async function scrub(sql: Sql): Promise<{ scrubFailed?: string }> {
  try {
    if (sql.dialect === 'sqlite') await sql.all('pragma wal_checkpoint(truncate)');
    else await sql.run('vacuum full apps, fulfilment_endpoints');
    return {};
  } catch (err) {
    // Best effort: the values are encrypted either way; a busy table (another instance) is no reason to stop.
    return { scrubFailed: (err as Error).message };
  }
}

/**
 * `secrets rotate-key`: every value under the current key. All or nothing: a value that neither key
 * decrypts stops it before anything is written, naming each such value (never its content).
 */
export async function rotateSecretsKey(sql: Sql, secrets: Secrets): Promise<ResealCounts> {
  const counts = await sql.transaction(() => reseal(sql, secrets, true));
  return counts.encrypted || counts.reencrypted ? { ...counts, ...(await scrub(sql)) } : counts;
}

function* reseal(sql: Sql, secrets: Secrets, rotate: boolean): TxBody<ResealCounts> {
  if (sql.dialect === 'postgresql') yield one('select pg_advisory_xact_lock(?) as locked', [MIGRATION_LOCK]);
  // Overwritten values are zeroed in the file, not just unlinked (a per-connection setting, cheap here).
  else yield all('pragma secure_delete = on');
  const counts: ResealCounts = { encrypted: 0, reencrypted: 0, unchanged: 0, unreadable: 0 };
  const unreadable: string[] = [];
  const writes: { kind: 'encrypted' | 'reencrypted'; sql: string; params: [string, string, number, string] }[] = [];
  for (const stored of STORED) {
    for (const row of (yield all(stored.select)) as Row[]) {
      const value = String(row.value);
      const slot = { column: stored.column, vkAppId: Number(row.vk_app_id) };
      const writer = secrets.writtenWith(value);
      if (writer === 'current' || (writer !== 'plaintext' && !rotate)) {
        counts.unchanged++;
        if (writer === 'unknown') counts.unreadable++;
        continue;
      }
      let plaintext: string;
      try {
        plaintext = writer === 'plaintext' ? value : secrets.open(value, slot);
      } catch (err) {
        unreadable.push((err as Error).message);
        continue;
      }
      writes.push({
        kind: writer === 'plaintext' ? 'encrypted' : 'reencrypted',
        sql: stored.update,
        params: [secrets.seal(plaintext, slot), stored.hint(plaintext), Number(row.id), value],
      });
    }
  }
  if (unreadable.length)
    throw new SecretsError(`nothing was changed: ${unreadable.length} stored secret(s) cannot be read:\n  ${unreadable.join('\n  ')}`);
  // Counted as changed: a row another writer changed since it was read is left to that writer.
  for (const w of writes) if (((yield run(w.sql, w.params)) as number) > 0) counts[w.kind]++;
  return counts;
}
