/**
 * Secrets at rest over the real stores: an upgrade from the release before encryption keeps every app
 * verifying with its old keys and every game backend receiving its old signature, and leaves no plain
 * text behind; `vk-payments secrets rotate-key` moves everything to a new key; a server without the
 * right key answers error 2 (VK retries) and says why, and PostgreSQL refuses to start without a key.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Database } from '../src/config.js';
import { openOrm } from '../src/db/orm.js';
import { openSql, type Row } from '../src/db/sql.js';
import { createServer, type VkPaymentsServer } from '../src/http/server.js';
import { isSealed } from '../src/secrets/cipher.js';
import { SecretsKey } from '../src/secrets/key.js';
import { keyFilePath } from '../src/secrets/key-file.js';
import { DIALECTS, freshDatabase, ROOT_TOKEN, signed, testConfig, type Dialect, type TestDatabase, until } from './helpers.js';
import { databaseUrl } from './processes.js';
import { validStandardWebhook } from './standard-webhooks.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
/** The last migration of the release before secrets were encrypted. */
const PREVIOUS_RELEASE = 'Migration20261127214136FulfilmentSyncMode';

const APP = 8100001;
const OTHER = 8100002;
const CURRENT = 'OldCurrentKey-0000A1b2';
const PREVIOUS = 'OldPreviousKey-000C3d4';
const OTHER_KEY = 'OtherAppKey-00000E5f6';
const SIGNING = `whsec_${randomBytes(24).toString('base64')}`;
const PLAINTEXTS = [CURRENT, PREVIOUS, OTHER_KEY, SIGNING];

/** A receiver of webhooks: what the game backend got. */
interface GameBackend {
  url: string;
  received: { headers: IncomingHttpHeaders; body: string }[];
  server: Server;
}

async function gameBackend(): Promise<GameBackend> {
  const received: GameBackend['received'] = [];
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/grant`, received, server };
}

/**
 * A database as the previous release leaves it: its migrations, and rows exactly as its code wrote them
 * (createApp, rotateAppSecret with an overlap, setFulfilmentEndpoint) — every secret in plain text.
 */
async function previousReleaseDatabase(database: Database, hook: string): Promise<void> {
  const orm = await openOrm(database);
  try {
    await orm.getMigrator().up({ to: PREVIOUS_RELEASE });
  } finally {
    await orm.close();
  }
  const sql = openSql(database);
  const now = new Date();
  try {
    const insertApp = `insert into apps (vk_app_id, name, secret_key, previous_secret_key, previous_secret_expires_at, api_version, published, votes_payments_enabled, created_at)
      values (?, ?, ?, ?, ?, '5.132', ?, ?, ?) returning id`;
    const app = (await sql.one(insertApp, [APP, 'Upgraded', CURRENT, PREVIOUS, new Date(now.getTime() + 86_400_000), false, false, now]))!;
    await sql.one(insertApp, [OTHER, 'Other', OTHER_KEY, null, null, false, false, now]);
    await sql.run(
      `insert into catalog_items (app_id, item_id, title, price, active, created_at, updated_at) values (?, 'gem_pack', 'Gem pack', 10, ?, ?, ?)`,
      [Number(app.id), true, now, now],
    );
    await sql.run(
      `insert into fulfilment_endpoints (app_id, url, signing_secret, enabled, sync_mode, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)`,
      [Number(app.id), hook, SIGNING, true, false, now, now],
    );
  } finally {
    await sql.close();
  }
}

async function storedSecrets(database: Database): Promise<Row[]> {
  const sql = openSql(database);
  try {
    return [
      ...(await sql.all(
        'select vk_app_id, secret_key, secret_key_hint, previous_secret_key, previous_secret_key_hint from apps order by vk_app_id',
      )),
      ...(await sql.all('select signing_secret, signing_secret_hint from fulfilment_endpoints')),
    ];
  } finally {
    await sql.close();
  }
}

/** Every byte the database keeps: the SQLite files, or every row of the two tables on PostgreSQL. */
async function everythingStored(database: Database): Promise<string> {
  if (database.dialect === 'sqlite') {
    return ['', '-wal', '-journal']
      .map((suffix) => `${database.path}${suffix}`)
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
  }
  const sql = openSql(database);
  try {
    return JSON.stringify([await sql.all('select * from apps'), await sql.all('select * from fulfilment_endpoints')]);
  } finally {
    await sql.close();
  }
}

interface Running {
  server: VkPaymentsServer;
  url: string;
  logs: string[];
  notify(
    fields: Record<string, string | number>,
    secret: string,
  ): Promise<{ error?: { error_code: number; critical: boolean }; response?: unknown }>;
  gql<T>(query: string): Promise<T>;
}

async function start(database: Database, env: Record<string, string> = {}): Promise<Running> {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  // The game backend listens on 127.0.0.1: allowed as a private fulfilment URL.
  const server = await createServer(testConfig(database, { VKP_ALLOW_PRIVATE_URLS: '*', VKP_FULFILMENT_RETRY_DELAYS: '0.2', ...env }), {
    logger: { level: 'info', stream },
  });
  const url = await server.listen();
  return {
    server,
    url,
    logs,
    async notify(fields, secret) {
      const res = await fetch(`${url}/vk/payments`, {
        method: 'POST',
        body: new URLSearchParams(signed({ user_id: 501, version: '5.132', ...fields }, secret)),
      });
      return (await res.json()) as never;
    },
    async gql(query) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
        body: JSON.stringify({ query }),
      });
      const body = (await res.json()) as { data: never; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
  };
}

const getItem = (app: number) => ({ app_id: app, item: 'gem_pack', notification_type: 'get_item', order_id: 1, receiver_id: 501 });
let nextOrder = 700_000;
const order = () => ({
  app_id: APP,
  item: 'gem_pack',
  item_price: 10,
  notification_type: 'order_status_change',
  order_id: nextOrder++,
  status: 'chargeable',
  receiver_id: 501,
});

/** Every app verifies with each of its keys; a wrong key is still a bad signature. */
async function expectEveryAppVerifies(s: Running): Promise<void> {
  expect(await s.notify(getItem(APP), CURRENT)).toMatchObject({ response: { item_id: 'gem_pack' } });
  expect(await s.notify(getItem(APP), PREVIOUS)).toMatchObject({ response: { item_id: 'gem_pack' } });
  expect(await s.notify(getItem(OTHER), OTHER_KEY)).toMatchObject({ error: { error_code: 20 } }); // verified; it has no such item
  expect(await s.notify(getItem(APP), OTHER_KEY)).toMatchObject({ error: { error_code: 10 } });
}

/** A payment reaches the game backend signed with the endpoint's old signing secret. */
async function expectBackendGetsOldSignature(s: Running, game: GameBackend): Promise<void> {
  const before = game.received.length;
  expect(await s.notify(order(), CURRENT)).toMatchObject({ response: { app_order_id: expect.any(Number) as number } });
  const got = await until('the payment at the game backend', () => game.received[before], 10_000);
  expect(validStandardWebhook(SIGNING, got.headers, got.body)).toBe(true);
}

/** `undefined` in `env` removes the variable from the child's environment. */
const runCli = (args: string[], env: Record<string, string | undefined>) =>
  promisify(execFile)(process.execPath, [CLI, ...args], {
    env: Object.fromEntries<string | undefined>(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined)),
    timeout: 30_000,
  });

describe.each(DIALECTS)('secrets at rest on %s', (dialect: Dialect) => {
  let db: TestDatabase;
  let game: GameBackend;
  /** The key the first start used: generated beside the SQLite file, or the tests' key on PostgreSQL. */
  let oldKey: string;
  let afterUpgrade: Row[];

  beforeAll(async () => {
    game = await gameBackend();
    db = await freshDatabase(dialect);
    await previousReleaseDatabase(db.database, game.url);
  });
  afterAll(async () => {
    game?.server.close();
    await db?.drop();
  });

  it('an upgrade from the release before encryption keeps every app verifying and every backend signed, with no plain text left', async () => {
    const s = await start(db.database);
    try {
      await expectEveryAppVerifies(s);
      await expectBackendGetsOldSignature(s, game);
      const hints = await s.gql<{
        app: { settings: { secretKeyHint: string; previousSecretKeyHint: string } };
        fulfilmentEndpoint: { secretHint: string };
      }>(
        `{ app(vkAppId: ${APP}) { settings { secretKeyHint previousSecretKeyHint } } fulfilmentEndpoint(vkAppId: ${APP}) { secretHint } }`,
      );
      expect(hints).toEqual({
        app: { settings: { secretKeyHint: '••••A1b2', previousSecretKeyHint: '••••C3d4' } },
        fulfilmentEndpoint: { secretHint: `whsec_••••${SIGNING.slice(-4)}` },
      });
      expect(s.logs.join('\n')).toContain('encrypted the secrets an older version stored in plain text');
      oldKey =
        db.database.dialect === 'sqlite'
          ? readFileSync(keyFilePath(db.database.path), 'utf8').trim()
          : testConfig(db.database).secretsKey!.toBase64();
      for (const secret of [...PLAINTEXTS, oldKey]) expect(s.logs.join('\n')).not.toContain(secret);
    } finally {
      await s.server.close();
    }
    afterUpgrade = await storedSecrets(db.database);
    const values = afterUpgrade
      .flatMap((r) => [r.secret_key, r.previous_secret_key, r.signing_secret])
      .filter((v) => v !== null && v !== undefined);
    expect(values).toHaveLength(4);
    for (const v of values) expect(isSealed(String(v as string))).toBe(true);
    const stored = await everythingStored(db.database);
    for (const secret of PLAINTEXTS) expect(stored).not.toContain(secret);
  });

  it('a second start changes nothing', async () => {
    const s = await start(db.database);
    await s.server.close();
    expect(await storedSecrets(db.database)).toEqual(afterUpgrade);
  });

  it('secrets rotate-key re-encrypts everything: the new key alone verifies every app, the old key alone answers error 2 and says why', async () => {
    const newKey = SecretsKey.generate();
    const { stdout, stderr } = await runCli(['secrets', 'rotate-key'], {
      DATABASE_URL: databaseUrl(db.database),
      VKP_SECRETS_KEY: newKey.toBase64(),
      VKP_SECRETS_KEY_PREVIOUS: oldKey,
    });
    expect(stdout).toContain(`re-encrypted 4 stored secret(s) under secrets key ${newKey.id}`);
    for (const secret of [...PLAINTEXTS, oldKey, newKey.toBase64()]) expect(stdout + stderr).not.toContain(secret);
    const rows = await storedSecrets(db.database);
    for (const v of rows.flatMap((r) => [r.secret_key, r.previous_secret_key, r.signing_secret]).filter((x) => x != null)) {
      expect(String(v as string)).toMatch(new RegExp(`^v1:${newKey.id}:`));
    }
    expect(await everythingStored(db.database)).not.toContain(`v1:${SecretsKey.parse(oldKey)!.id}:`);

    const fresh = await start(db.database, { VKP_SECRETS_KEY: newKey.toBase64() });
    try {
      await expectEveryAppVerifies(fresh);
      await expectBackendGetsOldSignature(fresh, game);
    } finally {
      await fresh.server.close();
    }

    const stale = await start(db.database, { VKP_SECRETS_KEY: oldKey });
    try {
      expect(stale.logs.join('\n')).toContain('stored secrets were encrypted with a secrets key this server does not have');
      for (const secret of [CURRENT, PREVIOUS])
        expect(await stale.notify(getItem(APP), secret)).toMatchObject({ error: { error_code: 2, critical: false } });
      const why = stale.logs
        .map((l) => JSON.parse(l) as { msg: string; err?: { message: string } })
        .find((l) => l.msg === 'notification answered as a temporary error');
      expect(why?.err?.message).toContain(
        `apps.secret_key of app ${APP} was encrypted with secrets key ${newKey.id}, which this server does not have`,
      );
      // Hints are stored beside the ciphertext: showing them needs no decryption.
      expect(await stale.gql(`{ app(vkAppId: ${APP}) { settings { secretKeyHint } } }`)).toEqual({
        app: { settings: { secretKeyHint: '••••A1b2' } },
      });
      expect(stale.logs.join('\n')).not.toContain(oldKey);
    } finally {
      await stale.server.close();
    }
  });

  it('rotate-key without the old key changes nothing and names what it cannot read', async () => {
    const before = await storedSecrets(db.database);
    const failed = await runCli(['secrets', 'rotate-key'], {
      DATABASE_URL: databaseUrl(db.database),
      VKP_SECRETS_KEY: SecretsKey.generate().toBase64(),
    }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/nothing was changed: 4 stored secret\(s\) cannot be read/);
    expect(failed?.stderr).toContain(`apps.previous_secret_key of app ${APP}`);
    expect(await storedSecrets(db.database)).toEqual(before);
  });
});

describe.each(DIALECTS)('two instances upgrading one %s database at once', (dialect: Dialect) => {
  it('encrypt it once, start both, and both verify with the old keys', async () => {
    const game = await gameBackend();
    const db = await freshDatabase(dialect);
    try {
      await previousReleaseDatabase(db.database, game.url);
      const [a, b] = await Promise.all([start(db.database), start(db.database)]);
      try {
        for (const s of [a, b]) await expectEveryAppVerifies(s);
        expect(
          [a, b].filter((s) => s.logs.some((l) => l.includes('encrypted the secrets an older version stored in plain text'))),
        ).toHaveLength(1);
      } finally {
        await Promise.all([a.server.close(), b.server.close()]);
      }
      const stored = await everythingStored(db.database);
      for (const secret of PLAINTEXTS) expect(stored).not.toContain(secret);
    } finally {
      game.server.close();
      await db.drop();
    }
  });
});

describe.runIf(DIALECTS.includes('postgresql'))('PostgreSQL without VKP_SECRETS_KEY', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase('postgresql');
  });
  afterAll(() => db?.drop());

  it('refuses to start, saying how to make a key', async () => {
    const config = { ...loadConfig({ PORT: '0', VKP_ADMIN_TOKEN: ROOT_TOKEN, VKP_DEMO: '0' }), database: db.database };
    await expect(createServer(config)).rejects.toThrowError(/VKP_SECRETS_KEY: required with PostgreSQL/);
    // Unset, not empty (an empty value is refused as malformed before the PostgreSQL rule is reached).
    const served = await runCli(['serve'], {
      DATABASE_URL: databaseUrl(db.database),
      PORT: '0',
      VKP_SECRETS_KEY: undefined,
      VKP_SECRETS_KEY_PREVIOUS: undefined,
    }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(served?.code).toBe(2);
    expect(served?.stderr).toMatch(/VKP_SECRETS_KEY: required with PostgreSQL.*openssl rand -base64 32/s);
  });
});
