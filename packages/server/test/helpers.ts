/**
 * Test fixtures over real storage: a fresh SQLite file or a fresh PostgreSQL database per call, and a
 * real HTTP server on a free port. PostgreSQL is required (CI starts it); set VKP_TEST_SKIP_POSTGRES=1
 * only to run the SQLite half on a machine without it.
 */
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config, type Database } from '../src/config.js';
import { migrate, openOrm, type Orm } from '../src/db/orm.js';
import { openSql, type Sql } from '../src/db/sql.js';
import { createServer, type ServerOptions, type VkPaymentsServer } from '../src/http/server.js';
import { signParams } from '../src/notifications/signature.js';
import { createSqlStore, type EndpointStore } from '../src/notifications/sql-store.js';
import type { SyncFulfilment } from '../src/notifications/store.js';
import { currentKeyColumns } from '../src/secrets/app-keys.js';
import { SecretsKey } from '../src/secrets/key.js';
import { Secrets } from '../src/secrets/secrets.js';

export type Dialect = Database['dialect'];

export const PG_ADMIN_URL = process.env.VKP_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * `VKP_TEST_DIALECT=postgresql` runs the whole suite on PostgreSQL (CI's second pass): every test,
 * not only those that name both stores. By default tests that are about storage run on both, and the
 * rest on the embedded SQLite.
 */
const ONLY =
  process.env.VKP_TEST_DIALECT === 'postgresql' || process.env.VKP_TEST_DIALECT === 'sqlite' ? process.env.VKP_TEST_DIALECT : undefined;
export const DIALECTS: Dialect[] = ONLY ? [ONLY] : process.env.VKP_TEST_SKIP_POSTGRES === '1' ? ['sqlite'] : ['sqlite', 'postgresql'];
/** The store of tests whose subject is not storage. */
export const DEFAULT_DIALECT: Dialect = ONLY ?? 'sqlite';

export interface TestDatabase {
  database: Database;
  drop(): Promise<void>;
}

let admin: Promise<Orm> | undefined;

/** A new, empty database of the dialect; `drop()` removes it. */
export async function freshDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    return { database: { dialect, path: join(mkdtempSync(join(tmpdir(), 'vkp-test-')), 'db.sqlite') }, drop: async () => {} };
  }
  admin ??= openOrm({ dialect: 'postgresql', url: PG_ADMIN_URL });
  const conn = (await admin).em.getConnection();
  const name = `vkp_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await conn.execute(`create database ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    database: { dialect, url: url.toString() },
    drop: async () => {
      await conn.execute(`drop database if exists ${name} with (force)`);
    },
  };
}

/**
 * The secrets key of tests on PostgreSQL, which refuses to start without one (as in production). On
 * SQLite tests leave it unset, as `pnpm start` does: the server generates a key file beside the database.
 */
/** Sync mode's wait for a game backend that already has every event: for tests of the core alone. */
export const NO_WAIT: SyncFulfilment = { confirm: () => Promise.resolve(true) };

export const TEST_SECRETS_KEY = 'dGVzdCBzZWNyZXRzIGtleSwgMzIgYnl0ZXMgbG9uZyE=';

/** The keyring of TEST_SECRETS_KEY, for tests that write rows themselves. */
export const TEST_SECRETS = new Secrets(SecretsKey.parse(TEST_SECRETS_KEY)!);

/** An app's key columns as the server writes them (encrypted under TEST_SECRETS_KEY), to seed rows with. */
export const appKey = (vkAppId: number, key: string = SECRET): ReturnType<typeof currentKeyColumns> =>
  currentKeyColumns(TEST_SECRETS, vkAppId, key);

/** The environment a server on `database` needs besides the defaults: a secrets key on PostgreSQL. */
export const secretsEnv = (database: Database): Record<string, string> =>
  database.dialect === 'postgresql' ? { VKP_SECRETS_KEY: TEST_SECRETS_KEY } : {};

export interface MigratedOrm {
  orm: Orm;
  /** The keys the store decrypts with; seed apps with them (secrets/app-keys.ts `currentKeyColumns`). */
  secrets: Secrets;
  /** The endpoint's store on the same database, opened on first use (the server's, db/sql.ts). */
  store(): EndpointStore;
  /** The endpoint's statements on the same database (db/sql.ts), opened on first use. */
  sql(): Sql;
  close: () => Promise<void>;
}

/** A migrated ORM on a fresh database. */
export async function migratedOrm(dialect: Dialect): Promise<MigratedOrm> {
  const db = await freshDatabase(dialect);
  const orm = await openOrm(db.database);
  await migrate(orm);
  let sql: Sql | undefined;
  let store: EndpointStore | undefined;
  const secrets = TEST_SECRETS;
  return {
    orm,
    secrets,
    store: () => (store ??= createSqlStore((sql ??= openSql(db.database)), secrets)),
    sql: () => (sql ??= openSql(db.database)),
    close: async () => {
      await sql?.close();
      await orm.close();
      await db.drop();
    },
  };
}

export const ROOT_TOKEN = 'test-root-token-0123456789abcdef';

export function testConfig(database: Database, env: Record<string, string> = {}): Config {
  return { ...loadConfig({ PORT: '0', VKP_ADMIN_TOKEN: ROOT_TOKEN, VKP_DEMO: '0', ...secretsEnv(database), ...env }), database };
}

export interface TestServer {
  url: string;
  server: VkPaymentsServer;
  /** The server's database, for a test that seeds what the API cannot make quickly (openSql). */
  database: Database;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GqlResult<T>>;
  /** Posts a form body to the notification endpoint; returns the raw text and the parsed JSON. */
  notify(
    body: string | Record<string, string>,
    contentType?: string,
  ): Promise<{ status: number; text: string; json: unknown; contentType: string | null }>;
  close(): Promise<void>;
}

export interface GqlResult<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

export async function startTestServer(
  dialect: Dialect = DEFAULT_DIALECT,
  env: Record<string, string> = {},
  options: ServerOptions = {},
): Promise<TestServer> {
  const db = await freshDatabase(dialect);
  const server = await createServer(testConfig(db.database, env), options);
  const url = await server.listen();
  return {
    url,
    server,
    database: db.database,
    async gql(query, variables = {}, token = ROOT_TOKEN) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GqlResult<never>;
    },
    async notify(body, contentType = 'application/x-www-form-urlencoded') {
      const res = await fetch(`${url}/vk/payments`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: typeof body === 'string' ? body : new URLSearchParams(body).toString(),
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, text, json, contentType: res.headers.get('content-type') };
    },
    async close() {
      await server.close();
      await db.drop();
    },
  };
}

/**
 * A graphql-ws client of the server at `url` that connects at once and never retries, so a refused
 * connection shows as a close the test can observe (not as a stray rejection).
 */
export function wsClient(url: string, token: string | null): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
  });
}

export const SECRET = 'AbCdEf0123456789XyZw';

/** A correctly signed notification body for `app_id`, with the fields given. */
export function signed(fields: Record<string, string | number>, secret = SECRET): Record<string, string> {
  return signParams(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])), secret);
}

/**
 * One fulfilment delivery left to resend: a test payment of `item` (5 votes, order 1) to app `vkAppId`
 * while its game backend is set, at a port nothing listens on, which is then switched off. Resolves with
 * the delivery's id.
 */
export async function pendingDelivery(t: TestServer, vkAppId: number, item: string): Promise<string> {
  const root = async <T>(query: string): Promise<T> => {
    const r = await t.gql<T>(query);
    if (r.errors) throw new Error(`${query}: ${JSON.stringify(r.errors)}`);
    return r.data!;
  };
  await root(`mutation { setFulfilmentEndpoint(vkAppId: ${vkAppId}, input: {url: "http://127.0.0.1:9/hook"}) { signingSecret } }`);
  const payment = { notification_type: 'order_status_change_test', status: 'chargeable', item_price: 5, order_id: 1, user_id: 1 };
  await t.notify(signed({ app_id: vkAppId, item, ...payment, version: '5.132' }));
  await root(
    `mutation { setFulfilmentEndpoint(vkAppId: ${vkAppId}, input: {url: "http://127.0.0.1:9/hook", enabled: false}) { signingSecret } }`,
  );
  const deliveries = await root<{ fulfilmentDeliveries: { edges: { node: { id: string } }[] } }>(
    `{ fulfilmentDeliveries(vkAppId: ${vkAppId}) { edges { node { id } } } }`,
  );
  return deliveries.fulfilmentDeliveries.edges[0]!.node.id;
}

/**
 * An API key (or, with `session`, a widget session minted with key `viaKeyId`) for `vkAppId`, written
 * straight into the server's database: it spends no rate-limit allowance and may expire sooner than the
 * API allows. Returns the bearer token and the record's id.
 */
export async function issueToken(
  orm: Orm,
  vkAppId: number,
  role: string,
  session?: { viaKeyId: number | null; expiresAt: Date },
): Promise<{ token: string; id: number }> {
  const { App } = await import('../src/apps/app.entity.js');
  const { ApiKey } = await import('../src/keys/api-key.entity.js');
  const { WidgetSession } = await import('../src/keys/widget-session.entity.js');
  const { generateToken, hashToken, TOKEN_PREFIX } = await import('../src/keys/tokens.js');
  const em = orm.em.fork();
  const app = await em.findOneOrFail(App, { vkAppId });
  const token = generateToken(session ? TOKEN_PREFIX.session : TOKEN_PREFIX.key);
  const record = session
    ? em.create(WidgetSession, { app, apiKey: session.viaKeyId, role, tokenHash: hashToken(token), expiresAt: session.expiresAt })
    : em.create(ApiKey, { app, role, label: 'issued by a test', tokenHash: hashToken(token) });
  await em.flush();
  return { token, id: record.id };
}

/** Polls `probe` every 50 ms until it gives a truthy value (returned), or throws naming `what` after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, ms = 8_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls `check` every 25 ms for up to `ms`; whether it held (also to assert that something did NOT happen). */
export async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}
