/**
 * Mini app CORS preflights an attacker may send as fast as he likes (docs/protocol.md §9), over a real HTTP
 * server and database: refused ones count against the address like refused requests, an address cut off
 * costs no origins lookup at all, and a burst while the cluster bus cannot vouch for the cache reads every
 * app's origins once, not once per preflight.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../src/cluster/bus.js';
import { migrateDatabase } from '../src/db/orm.js';
import { openSql, type Sql, type SqlQueries } from '../src/db/sql.js';
import { miniAppRoutes } from '../src/http/mini-app-routes.js';
import { originsIndex } from '../src/mini-app/origins-index.js';
import { DEFAULT_DIALECT, freshDatabase, type TestDatabase } from './helpers.js';

const GAME_ORIGIN = 'https://game.example.com';
const REFUSALS_PER_IP = 3;
const BURST = 10;

describe('mini app preflights from one address', () => {
  let db: TestDatabase;
  let sql: Sql;
  let app: FastifyInstance;
  let url: string;
  /** Reads of every app's origins. */
  let lookups = 0;
  /** Held until the whole burst has asked for the origins (see `upToDate`). */
  let gate: Promise<void> = Promise.resolve();
  let openGate = () => {};
  let busAsked = 0;

  beforeAll(async () => {
    db = await freshDatabase(DEFAULT_DIALECT);
    await migrateDatabase(db.database);
    sql = openSql(db.database);
    await sql.run(
      'insert into apps (vk_app_id, name, secret_key, api_version, published, votes_payments_enabled, created_at, mini_app_origins) values (?, ?, ?, ?, ?, ?, ?, ?)',
      [51234567, 'Game', 'sealed', '5.132', true, true, new Date(), JSON.stringify([GAME_ORIGIN])],
    );
    const counted: SqlQueries = {
      ...sql,
      all: async (statement, params) => {
        if (/mini_app_origins/.test(statement)) {
          lookups++;
          await gate;
        }
        return sql.all(statement, params);
      },
    };
    // A bus that cannot vouch for the cache (PostgreSQL's, not listening): every preflight asks the database.
    const bus: Bus = {
      publish: () => {},
      subscribe: () => () => {},
      origin: 'test',
      upToDate: () => {
        // The burst's last preflight goes on to the lookup in the microtasks after this answer: open the
        // gate only then, so every preflight of the burst has asked before the first lookup ends.
        if (++busAsked === BURST) setImmediate(openGate);
        return Promise.resolve(false);
      },
      settle: () => Promise.resolve(),
      connected: false,
      close: () => Promise.resolve(),
    };
    app = Fastify();
    await app.register((instance) =>
      miniAppRoutes(instance, {
        sql,
        findApp: () => Promise.resolve(null),
        isPaymentTester: () => Promise.resolve(false),
        origins: originsIndex(counted, bus),
        config: { launchParamsMaxAgeSeconds: null, perUserPerMinute: 0, refusalsPerIpPerMinute: REFUSALS_PER_IP },
        metrics: { countMiniApp: () => {} },
        clientAddress: (req) => req.socket.remoteAddress,
      }),
    );
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await sql?.close();
    await db?.drop();
  });

  const preflight = (origin: string) =>
    fetch(`${url}/mini-app/v1/entitlements`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-vk-launch-params' },
    });

  it('reads the origins once for a burst of preflights while the cache is not vouched for', async () => {
    gate = new Promise((resolve) => (openGate = resolve));
    const answers = await Promise.all(Array.from({ length: BURST }, () => preflight(GAME_ORIGIN)));
    expect(answers.map((a) => a.status)).toEqual(Array(BURST).fill(204));
    expect(lookups).toBe(1);
  });

  it(`cuts off an address after ${REFUSALS_PER_IP} refused preflights with 429, and then looks nothing up for it`, async () => {
    for (let i = 0; i < REFUSALS_PER_IP; i++) expect((await preflight('https://evil.example')).status).toBe(403);
    const before = lookups;
    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String) as string } });
    // Cut off for an allowed origin too, and for the requests themselves.
    expect((await preflight(GAME_ORIGIN)).status).toBe(429);
    const request = await fetch(`${url}/mini-app/v1/entitlements`, {
      headers: { origin: GAME_ORIGIN, 'x-vk-launch-params': 'vk_app_id=1' },
    });
    expect(request.status).toBe(429);
    expect(lookups).toBe(before);
  });
});
