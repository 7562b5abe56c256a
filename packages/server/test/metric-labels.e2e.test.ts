/**
 * Metric labels come from closed lists: a client that varies its operation names, aliases, fields and
 * notification types on every request cannot add series to /metrics (each one would live as long as
 * the process, in every scrape).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIALECT, ROOT_TOKEN, SECRET, signed, startTestServer, type TestServer } from './helpers.js';
import { PAYING_APP, seedPayingApp } from './sockets.js';

const rnd = (): string => `r${randomBytes(6).toString('hex')}`;

/** The series of our own metrics on /metrics (one line per label set). */
async function series(t: TestServer): Promise<string[]> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  return text.split('\n').filter((line) => /^vkp_(graphql|notification)/.test(line));
}

async function hostileRound(t: TestServer, seen: string[]): Promise<void> {
  const post = (body: unknown, token: string | null = ROOT_TOKEN) =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });
  const requests: Promise<unknown>[] = [];
  for (let i = 0; i < 50; i++) {
    const name = rnd();
    const alias = rnd();
    const field = rnd();
    const type = rnd();
    seen.push(name, alias, field, type);
    requests.push(
      post({ query: `query ${name} { ${alias}: apps { vkAppId } }`, operationName: name }),
      post({ query: `query ${name} { ${field} }` }),
      post({ query: `mutation ${name} { ${alias}: __typename }` }, null),
      post({ query: `{ __typename }`, operationName: name }),
      t.notify(signed({ app_id: PAYING_APP, item: 'gem_pack', notification_type: type, user_id: 1, version: '5.132' })),
      t.notify(
        signed({ app_id: PAYING_APP, item: 'gem_pack', notification_type: `get_item_${type}`, user_id: 1, version: '5.132' }, `${SECRET}x`),
      ),
    );
  }
  await Promise.all(requests);
}

describe('metric labels', () => {
  let t: TestServer;
  beforeAll(async () => {
    // A small budget for unverified log rows, so the first round already reaches it: the
    // vkp_notifications_unlogged_total series it adds is a closed list too, but a new one all the same.
    t = await startTestServer(DEFAULT_DIALECT, { VKP_UNVERIFIED_LOG_PER_MINUTE: '10' });
    await seedPayingApp(t);
  });
  afterAll(() => t?.close());

  it('50 requests with random operation names, aliases, fields and notification types add no series', async () => {
    const seen: string[] = [];
    await hostileRound(t, seen);
    const before = await series(t);
    await hostileRound(t, seen);
    const after = await series(t);
    expect(after.map((l) => l.replace(/ [\d.e+-]+$/, ''))).toEqual(before.map((l) => l.replace(/ [\d.e+-]+$/, '')));
    const labels = after.join('\n');
    for (const value of seen) expect(labels).not.toContain(value);
    expect(labels).toMatch(/vkp_graphql_operations_total\{operation="apps",type="query",result="ok"\} 100$/m);
    expect(labels).toMatch(/vkp_graphql_operations_total\{operation="other",/);
    expect(labels).toMatch(/vkp_notifications_total\{type="other",/);
  });
});
