/**
 * The API's rate limit holds on every path, every transport and every token (README "Rate limits"):
 * one allowance per principal, spent by GraphQL over HTTP (any spelling of its path), the CSV export
 * and graphql-ws alike; made-up tokens share their address's allowance; VK's endpoint is never limited.
 */
import { request } from 'node:http';
import { Writable } from 'node:stream';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_DIALECT,
  issueToken,
  ROOT_TOKEN,
  SECRET,
  signed,
  startTestServer,
  wsClient,
  type GqlResult,
  type TestServer,
} from './helpers.js';

const APP = 66001;
const LIMIT = 6;
const ME = '{ me { kind } }';

let t: TestServer;
const logLines: Record<string, unknown>[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      );
      done();
    },
  });
  t = await startTestServer(DEFAULT_DIALECT, { VKP_RATE_LIMIT: String(LIMIT) }, { logger: { level: 'info', stream } });
  await seedApp();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => Promise.resolve(c.dispose())));
  await t?.close();
});

const key = async (): Promise<string> => (await issueToken(t.server.orm, APP, 'ADMIN')).token;

/** A request with the path sent exactly as written (fetch would normalise it). */
function raw(
  path: string,
  token: string | null,
  method = 'POST',
  body = JSON.stringify({ query: ME }),
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method,
        headers: {
          ...(method === 'POST' && { 'content-type': 'application/json' }),
          'apollo-require-preflight': 'true',
          ...(token && { authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(method === 'POST' ? body : undefined);
  });
}

const exportPath = (prefix = '/export') => `${prefix}/transactions.csv?vkAppId=${APP}`;

function connect(token: string): { client: Client; closed: Promise<number> } {
  const client = wsClient(t.url, token);
  clients.push(client);
  const closed = new Promise<number>((resolve) => client.on('closed', (e) => resolve((e as { code: number }).code)));
  return { client, closed };
}

/** One operation over the socket: its result, or its errors. */
function run(client: Client, query: string): Promise<GqlResult<unknown>> {
  return new Promise((resolve) => {
    client.subscribe(
      { query },
      {
        next: (value) => resolve(value as GqlResult<unknown>),
        error: (err) => resolve({ errors: Array.isArray(err) ? err : [{ message: String(err) }] }),
        complete: () => undefined,
      },
    );
  });
}

function expectRateLimitedHttp(res: { status: number; headers: Record<string, unknown>; body: string }, shape: 'graphql' | 'export'): void {
  expect(res.status).toBe(429);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
  const body = JSON.parse(res.body) as { errors?: { extensions: { code: string } }[]; error?: { code: string } };
  expect(shape === 'graphql' ? body.errors?.[0]?.extensions.code : body.error?.code).toBe('RATE_LIMITED');
}

describe('one allowance per principal over HTTP', () => {
  it('counts /graphql however its path is spelled, GET and POST, against the same allowance', async () => {
    const token = await key();
    const paths = [
      '/graphql',
      '/%67raphql',
      '/graphql',
      '/%67raphql',
      `/graphql?query=${encodeURIComponent(ME)}`,
      `/%67raph%71l?query=${encodeURIComponent(ME)}`,
    ];
    for (const [i, path] of paths.entries()) {
      const res = await raw(path, token, i >= 4 ? 'GET' : 'POST');
      expect(res.status, path).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ data: { me: { kind: 'key' } } });
    }
    expectRateLimitedHttp(await raw('/%67raphql', token), 'graphql');
    expectRateLimitedHttp(await raw('/graphql', token), 'graphql');
  });

  it('counts the CSV export (any spelling) with GraphQL, and answers 429 with Retry-After, not 500 with an error log line', async () => {
    const token = await key();
    for (let i = 0; i < 3; i++) expect((await raw('/graphql', token)).status).toBe(200);
    for (const path of [exportPath(), exportPath('/%65xport'), exportPath('/%65%78port')]) {
      const res = await raw(path, token, 'GET');
      expect(res.status, path).toBe(200);
      expect(res.body).toContain('appOrderId');
    }
    const errorsBefore = logLines.filter((l) => Number(l.level) >= 50).length;
    expectRateLimitedHttp(await raw(exportPath(), token, 'GET'), 'export');
    expectRateLimitedHttp(await raw(exportPath('/%65xport'), token, 'GET'), 'export');
    expect(logLines.filter((l) => Number(l.level) >= 50).length).toBe(errorsBefore);
  });
});

/**
 * Runs `test` against its own server: what it does spends the allowance of 127.0.0.1, the address every
 * test here comes from (and an address out of allowance refuses tokens it has not seen valid lately).
 */
async function onOwnServer(env: Record<string, string>, test: () => Promise<void>): Promise<void> {
  const shared = t;
  t = await startTestServer(DEFAULT_DIALECT, env);
  try {
    await test();
  } finally {
    await t.close();
    t = shared;
  }
}

async function seedApp(): Promise<void> {
  await t.gql(`mutation { createApp(input: {vkAppId: ${APP}, name: "Limits", secretKey: "${SECRET}"}) { vkAppId } }`);
  await t.gql(`mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`);
}

describe('an address without a valid token', () => {
  it("gives a made-up token no allowance of its own: it spends its address's, as no token does", () =>
    onOwnServer({ VKP_RATE_LIMIT: String(LIMIT) }, async () => {
      await seedApp();
      // A token seen valid before the address ran out keeps its own allowance afterwards.
      const known = await key();
      expect((await raw('/graphql', known)).status).toBe(200);
      for (let i = 0; i < LIMIT; i++) {
        const res = await raw('/graphql', `vkp_key_made-up-${i}`);
        expect(res.status).toBe(200);
        expect((JSON.parse(res.body) as GqlResult<unknown>).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
      expectRateLimitedHttp(await raw('/graphql', 'vkp_key_made-up-again'), 'graphql');
      expectRateLimitedHttp(await raw('/graphql', null), 'graphql');
      expectRateLimitedHttp(await raw(exportPath(), 'vkp_ws_made-up', 'GET'), 'export');
      expect((await raw('/graphql', known)).status).toBe(200);
      // A valid token this instance has not seen yet waits with its address: an address out of allowance is
      // refused before its tokens are looked up, or made-up tokens would still cost a query each.
      expectRateLimitedHttp(await raw('/graphql', await key()), 'graphql');

      // VK's endpoint is never limited, by any spelling of its path, even for an address out of allowance…
      const answers = await Promise.all(
        Array.from(
          { length: 3 * LIMIT },
          (_, i) =>
            new Promise<{ status: number; body: string }>((resolve, reject) => {
              const url = new URL(t.url);
              const body = new URLSearchParams(
                signed({ app_id: APP, item: 'gem', notification_type: 'get_item_test', user_id: 500 + i, version: '5.132' }),
              ).toString();
              const req = request(
                {
                  host: url.hostname,
                  port: url.port,
                  path: i % 2 ? '/vk/payments' : '/vk/%70ayments',
                  method: 'POST',
                  headers: { 'content-type': 'application/x-www-form-urlencoded' },
                },
                (res) => {
                  let text = '';
                  res.on('data', (c: Buffer) => (text += c.toString()));
                  res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
                },
              );
              req.on('error', reject);
              req.end(body);
            }),
        ),
      );
      expect(answers.every((a) => a.status === 200 && a.body.includes('"title"'))).toBe(true);
      // …and nothing else passes for it: a path that only mentions it is the route it really is.
      for (const path of ['/graphql?x=/vk/payments', '/graphql?/vk/payments', '/%67raphql#/vk/payments']) {
        expect((await raw(path, null)).status, path).toBe(429);
      }
      for (const path of ['/vk/payments/../../graphql', '/vk/payments/%2e%2e/%2e%2e/graphql', '//graphql']) {
        expect([404, 429], path).toContain((await raw(path, null)).status);
      }
    }));
});

describe('widget sessions', () => {
  const mint = async (token: string): Promise<string> => {
    const res = await raw(
      '/graphql',
      token,
      'POST',
      JSON.stringify({ query: `mutation { createWidgetSession(vkAppId: ${APP}, role: PAYMENTS_ADMIN) { token } }` }),
    );
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as GqlResult<{ createWidgetSession: { token: string } }>;
    expect(body.errors).toBeUndefined();
    return body.data!.createWidgetSession.token;
  };

  it('spend the allowance of the key that minted them: minting cannot buy a key fresh allowances, over HTTP or graphql-ws', async () => {
    const token = await key();
    const sessions = [await mint(token), await mint(token), await mint(token)];
    for (let i = 3; i < LIMIT; i++) expect((await raw('/graphql', token)).status).toBe(200);
    expectRateLimitedHttp(await raw('/graphql', token), 'graphql');
    for (const session of sessions) {
      expectRateLimitedHttp(await raw('/graphql', session), 'graphql');
      expect(await connect(session).closed).toBe(4429);
    }
  });

  it("and a session spends its key's allowance: what a session spent, its key has not", async () => {
    const token = await key();
    const session = await mint(token);
    const { client } = connect(session);
    for (let i = 0; i < LIMIT - 3; i++) expect(await run(client, ME)).toEqual({ data: { me: { kind: 'session' } } });
    expect((await raw('/graphql', token)).status).toBe(200);
    expectRateLimitedHttp(await raw('/graphql', token), 'graphql');
  });

  it("minted with the root token spend the root token's allowance", () =>
    onOwnServer({ VKP_RATE_LIMIT: '4' }, async () => {
      await t.gql(`mutation { createApp(input: {vkAppId: ${APP}, name: "Limits", secretKey: "${SECRET}"}) { vkAppId } }`);
      const sessions = [await mint(ROOT_TOKEN), await mint(ROOT_TOKEN)];
      expect((await raw('/graphql', ROOT_TOKEN)).status).toBe(200);
      expectRateLimitedHttp(await raw('/graphql', ROOT_TOKEN), 'graphql');
      for (const session of sessions) {
        expectRateLimitedHttp(await raw('/graphql', session), 'graphql');
        expect(await connect(session).closed).toBe(4429);
      }
    }));
});

describe('what is not counted', () => {
  it('lets CORS preflights through without spending the allowance of their address', async () => {
    const other = await startTestServer(DEFAULT_DIALECT, { VKP_RATE_LIMIT: '2' });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${other.url}/graphql`, {
          method: 'OPTIONS',
          headers: { origin: 'https://a.example', 'access-control-request-method': 'POST' },
        });
        expect(res.status).not.toBe(429);
      }
      const res = await fetch(`${other.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(res.status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('one allowance shared by HTTP and graphql-ws', () => {
  it('refuses a new socket (close 4429) once HTTP spent the allowance', async () => {
    const token = await key();
    for (let i = 0; i < LIMIT; i++) expect((await raw('/graphql', token)).status).toBe(200);
    const { closed } = connect(token);
    expect(await closed).toBe(4429);
  });

  it('refuses HTTP (429) once the socket spent the allowance: the connection and each subscribe count', async () => {
    const token = await key();
    const { client } = connect(token);
    for (let i = 0; i < LIMIT - 1; i++) expect(await run(client, ME)).toEqual({ data: { me: { kind: 'key' } } });
    const refused = await run(client, ME);
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expectRateLimitedHttp(await raw('/graphql', token), 'graphql');
  });

  it('refuses a subscribe on an open socket once HTTP spent the rest of the allowance', async () => {
    const token = await key();
    const { client } = connect(token);
    expect(await run(client, ME)).toEqual({ data: { me: { kind: 'key' } } });
    for (let i = 0; i < LIMIT - 2; i++) expect((await raw('/graphql', token)).status).toBe(200);
    const refused = await run(client, `subscription { notificationLogged(vkAppId: ${APP}) { id } }`);
    expect(refused.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) as object }) as object,
    ]);
  });
});
