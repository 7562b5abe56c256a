/**
 * The default run is the production run: whatever a client gets wrong (CSRF, a broken query, a batch,
 * unreadable JSON, a wrong content type, a body too large, an unknown route), the answer carries no
 * stack trace, file path or internal message. Only VKP_DEBUG=1 shows stack traces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIALECT, ROOT_TOKEN, startTestServer, type TestServer } from './helpers.js';

/**
 * A server as `pnpm start` runs it: NODE_ENV unset. (vitest sets NODE_ENV=test, under which libraries
 * hide stack traces by themselves, so a default that still depends on NODE_ENV would go unnoticed.)
 */
async function startWithoutNodeEnv(env: Record<string, string> = {}): Promise<TestServer> {
  const saved = process.env.NODE_ENV;
  delete process.env.NODE_ENV;
  try {
    return await startTestServer(DEFAULT_DIALECT, env);
  } finally {
    process.env.NODE_ENV = saved;
  }
}

const json = { 'content-type': 'application/json' };
const auth = { authorization: `Bearer ${ROOT_TOKEN}` };

/** [what, path, init]: requests a client can get wrong. */
const MISTAKES: [string, string, RequestInit][] = [
  ['a GET without the CSRF preflight header', '/graphql?query=%7B__typename%7D', {}],
  [
    'a simple POST blocked as CSRF',
    '/graphql',
    { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B__typename%7D' },
  ],
  ['an invalid query', '/graphql', { method: 'POST', headers: json, body: '{"query":"{ noSuchField }"}' }],
  ['a query that does not parse', '/graphql', { method: 'POST', headers: json, body: '{"query":"{ apps {"}' }],
  ['a batched request', '/graphql', { method: 'POST', headers: json, body: '[{"query":"{ __typename }"},{"query":"{ __typename }"}]' }],
  [
    'variables of the wrong type',
    '/graphql',
    {
      method: 'POST',
      headers: { ...json, ...auth },
      body: '{"query":"query ($id: Int!) { app(vkAppId: $id) { name } }","variables":{"id":"x"}}',
    },
  ],
  ['variables that are not an object', '/graphql', { method: 'POST', headers: json, body: '{"query":"{ __typename }","variables":"x"}' }],
  [
    'an unknown operationName',
    '/graphql',
    { method: 'POST', headers: json, body: '{"query":"query A { __typename } query B { __typename }","operationName":"C"}' },
  ],
  ['no query at all', '/graphql', { method: 'POST', headers: json, body: '{}' }],
  ['malformed JSON', '/graphql', { method: 'POST', headers: json, body: '{"query":' }],
  ['JSON that is a string', '/graphql', { method: 'POST', headers: json, body: '"x"' }],
  ['a wrong content type', '/graphql', { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<q/>' }],
  [
    'a content type with a broken charset',
    '/graphql',
    { method: 'POST', headers: { 'content-type': 'application/json; charset=nope' }, body: '{}' },
  ],
  ['a body too large', '/graphql', { method: 'POST', headers: json, body: `{"query":"${'a'.repeat(1_100_000)}"}` }],
  ['a browser asking for the landing page', '/graphql', { headers: { accept: 'text/html' } }],
  ['a PUT', '/graphql', { method: 'PUT', headers: json, body: '{}' }],
  ['an export without a token', '/export/transactions.csv?vkAppId=1', {}],
  ['an export with bad parameters', '/export/transactions.csv?vkAppId=x&from=yesterday', { headers: auth }],
  ['an export of something unknown', '/export/secrets.csv', { headers: auth }],
  [
    'an export with a body too large',
    '/export/transactions.csv?vkAppId=1',
    { method: 'POST', headers: { ...json, ...auth }, body: `{"a":"${'a'.repeat(1_100_000)}"}` },
  ],
  ['an unknown route', '/no-such-route', {}],
  ['an encoded path', '/%67raphql', { method: 'POST', headers: json, body: '{"query":"{ __typename }"}' }],
  ['a notification too large', '/vk/payments', { method: 'POST', body: `app_id=1&x=${'a'.repeat(70_000)}` }],
];

/** What would tell an attacker about our insides. */
const INTERNAL = [/stacktrace/i, /node_modules/, /\/work\//, /\/home\//, /\.[cm]?[tj]s:\d/, /\n\s+at /, /\bat [\w.<>]+ \(/];

describe('answers to client mistakes, with the default configuration', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startWithoutNodeEnv();
  });
  afterAll(() => t?.close());

  it.each(MISTAKES)('%s: no stack trace, path or internal detail', async (_what, path, init) => {
    const res = await fetch(`${t.url}${path}`, init);
    const text = await res.text();
    for (const pattern of INTERNAL) expect(text).not.toMatch(pattern);
  });

  it('serves no landing page that loads Apollo Sandbox from a CDN', async () => {
    const text = await (await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(text).not.toMatch(/apollographql\.com|<script/i);
  });
});

describe('VKP_DEBUG=1', () => {
  it('shows stack traces in GraphQL errors, for a developer who asked for them', async () => {
    const t = await startWithoutNodeEnv({ VKP_DEBUG: '1' });
    try {
      const text = await (await fetch(`${t.url}/graphql?query=%7B__typename%7D`)).text();
      expect(text).toMatch(/stacktrace/);
    } finally {
      await t.close();
    }
  });
});
