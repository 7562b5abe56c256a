/**
 * One path for GraphQL over HTTP and over graphql-ws: the same document limits, the same masking of
 * internal errors, and the schema (introspection, "Did you mean …") only for a valid token.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIALECT, ROOT_TOKEN, SECRET, startTestServer, wsClient, type GqlResult, type TestServer } from './helpers.js';

const APP = 67001;

const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => Promise.resolve(c.dispose())));
});

/** One operation over a new socket with `token`: its result, or its errors. */
function overWs(t: TestServer, query: string, token = ROOT_TOKEN): Promise<GqlResult<unknown>> {
  const client = wsClient(t.url, token);
  clients.push(client);
  return new Promise((resolve) => {
    client.on('closed', (e) => resolve({ errors: [{ message: `closed ${(e as { code: number }).code}` }] }));
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

async function overHttp(
  t: TestServer,
  query: string,
  token: string | null,
  variables: Record<string, unknown> = {},
): Promise<{ status: number; body: GqlResult<unknown> }> {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GqlResult<unknown> };
}

describe('document limits on both transports', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(DEFAULT_DIALECT);
  });
  afterAll(() => t?.close());

  const aliases = `{ ${Array.from({ length: 25 }, (_, i) => `a${i}: me { kind }`).join(' ')} }`;
  const deep = '{ __type(name: "App") { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } }';
  const manyTokens = `{ me { ${Array.from({ length: 2100 }, () => 'kind').join(' ')} } }`;

  it.each([
    ['25 aliases', aliases, /aliases/i, 'GRAPHQL_VALIDATION_FAILED'],
    ['a document nested deeper than any real query', deep, /depth/i, 'GRAPHQL_VALIDATION_FAILED'],
    ['a document of more than 2000 tokens', manyTokens, /tokens/i, 'GRAPHQL_PARSE_FAILED'],
  ])('refuses %s over WebSocket as over HTTP, before running it', async (_what, query, message, code) => {
    const http = await overHttp(t, query, ROOT_TOKEN);
    const ws = await overWs(t, query);
    for (const answer of [http.body, ws]) {
      expect(answer.data).toBeUndefined();
      expect(answer.errors?.[0]?.message).toMatch(message);
      expect(answer.errors?.[0]?.extensions?.code).toBe(code);
    }
  });
});

describe('request errors on both transports', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(DEFAULT_DIALECT);
  });
  afterAll(() => t?.close());

  it('answers variables that do not fit their types with BAD_USER_INPUT over WebSocket as over HTTP', async () => {
    const query = 'query ($n: Int!) { app(vkAppId: $n) { name } }';
    const http = await overHttp(t, query, ROOT_TOKEN, { n: 'many' });
    const client = wsClient(t.url, ROOT_TOKEN);
    clients.push(client);
    const ws = await new Promise<GqlResult<unknown>>((resolve) => {
      client.subscribe(
        { query, variables: { n: 'many' } },
        { next: (v) => resolve(v as GqlResult<unknown>), error: (e) => resolve({ errors: e as never }), complete: () => undefined },
      );
    });
    for (const answer of [http.body, ws]) {
      expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(answer.errors?.[0]?.message).toMatch(/\$n/);
    }
  });

  it('answers a document whose operation cannot be chosen with a request error, not an internal one', async () => {
    const query = 'query A { me { kind } } query B { me { kind } }';
    const http = await overHttp(t, query, ROOT_TOKEN);
    const ws = await overWs(t, query);
    for (const answer of [http.body, ws]) {
      expect(answer.data ?? undefined).toBeUndefined();
      // The code itself, not merely "not internal": a socket closed on an error would have none.
      expect(answer.errors?.[0]?.extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
    }
  });
});

describe('masking of internal errors on both transports', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(DEFAULT_DIALECT);
    await t.gql(`mutation { createApp(input: {vkAppId: ${APP}, name: "Path", secretKey: "${SECRET}"}) { vkAppId } }`);
    // A table gone from under the server: every read of it fails inside the resolver with the SQL error.
    await t.server.orm.em.getConnection().execute('drop table payment_testers');
  });
  afterAll(() => t?.close());

  it('answers a failing resolver with "Internal server error" and no internal message, over WebSocket as over HTTP', async () => {
    const query = `{ paymentTesters(vkAppId: ${APP}) { vkUserId } }`;
    const http = await overHttp(t, query, ROOT_TOKEN);
    const ws = await overWs(t, query);
    for (const answer of [http.body, ws]) {
      expect(answer.errors).toEqual([
        expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
      ]);
      expect(JSON.stringify(answer)).not.toMatch(/payment_testers|select|sqlite|relation|stack/i);
    }
  });
});

describe('the schema is for token holders', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(DEFAULT_DIALECT);
  });
  afterAll(() => t?.close());

  const introspection = [
    '{ __schema { queryType { name } } }',
    '{ __type(name: "App") { name fields { name } } }',
    'query Q { a: __schema { types { name } } }',
  ];

  it.each(introspection)('answers %s to a token holder, over HTTP and WebSocket', async (query) => {
    const http = await overHttp(t, query, ROOT_TOKEN);
    expect(http.body.errors).toBeUndefined();
    expect((await overWs(t, query)).errors).toBeUndefined();
  });

  it.each(introspection)('refuses %s without a valid token, even when a token holder just sent the same text', async (query) => {
    await overHttp(t, query, ROOT_TOKEN); // Apollo caches documents it validated, by their text
    for (const token of [null, 'vkp_key_made-up']) {
      const { status, body } = await overHttp(t, query, token);
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(body.errors?.[0]?.message).toMatch(/introspection/i);
    }
    const get = await fetch(`${t.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(400);
    // WebSocket needs a valid token to open at all.
    expect((await overWs(t, query, 'vkp_key_made-up')).errors?.[0]?.message).toBe('closed 4403');
  });

  it('still answers __typename without a token (it names no part of the schema)', async () => {
    expect((await overHttp(t, '{ __typename }', null)).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('suggests field and enum names only to a token holder', async () => {
    const field = '{ ap(vkAppId: 1) { name } }';
    const enumValue = ['mutation ($r: Role!) { createApiKey(vkAppId: 1, role: $r, label: "x") { token } }', { r: 'ADMN' }] as const;
    expect((await overHttp(t, field, ROOT_TOKEN)).body.errors?.[0]?.message).toMatch(/Did you mean "app/);
    expect((await overHttp(t, enumValue[0], ROOT_TOKEN, enumValue[1])).body.errors?.[0]?.message).toMatch(
      /Did you mean the enum value "ADMIN"/,
    );
    for (const token of [null, 'vkp_key_made-up']) {
      const unknownField = (await overHttp(t, field, token)).body.errors ?? [];
      expect(unknownField[0]?.message).toBe('Cannot query field "ap" on type "Query".');
      const badEnum = (await overHttp(t, enumValue[0], token, enumValue[1])).body.errors ?? [];
      expect(badEnum[0]?.message).toMatch(/ADMN/);
      expect(JSON.stringify([unknownField, badEnum])).not.toMatch(/Did you mean|"app"|ADMIN/);
    }
  });
});
