/**
 * The votes-payments application ("Оплата голосами") as its users go through it over HTTP: an app's
 * payments admin applies, a platform moderator decides, with real tokens of every role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../src/apps/app.entity.js';
import { PaymentTester } from '../src/settings/payment-tester.entity.js';
import { DIALECTS, ROOT_TOKEN, signed, startTestServer, type Dialect, type GqlResult, type TestServer } from './helpers.js';

const VK_APP_ID = 7_100_001;
const OTHER_VK_APP_ID = 7_100_002;
const SECRET_KEY = 'ModerationSecret-42';

const REQUEST_FIELDS =
  'id vkAppId appName status platforms appDescription paidFeatures moderatorComment submittedBy submittedAt decidedBy decidedAt';
const PREFLIGHT = `query ($vkAppId: Int!) { votesPaymentsPreflight(vkAppId: $vkAppId) { ready checks { key ok required message } } }`;
const SUBMIT = `mutation ($vkAppId: Int!, $input: ModerationRequestInput!) {
  submitModerationRequest(vkAppId: $vkAppId, input: $input) { ${REQUEST_FIELDS} preflight { ready checks { key ok } } }
}`;
const HISTORY = `query ($vkAppId: Int!) { moderationRequests(vkAppId: $vkAppId) { ${REQUEST_FIELDS} } }`;
const QUEUE = `query ($status: ModerationStatus, $first: Int) {
  moderationQueue(status: $status, first: $first) { totalCount edges { node { id vkAppId appName status } } }
}`;
const WITHDRAW = `mutation ($id: ID!) { withdrawModerationRequest(id: $id) { id status } }`;
const DECIDE = `mutation ($id: ID!, $decision: ModerationDecision!, $comment: String) {
  decideModerationRequest(id: $id, decision: $decision, comment: $comment) { id status moderatorComment decidedBy decidedAt }
}`;
const CREATE_KEY = `mutation ($vkAppId: Int, $role: Role!, $label: String!) { createApiKey(vkAppId: $vkAppId, role: $role, label: $label) { token } }`;

const INPUT = {
  platforms: ['ANDROID', 'IOS', 'ANDROID'],
  appDescription: '  Farm game: grow crops, trade with neighbours.  ',
  paidFeatures: 'Seed packs and a golden tractor, sold for votes.',
};

interface Request {
  id: string;
  vkAppId: number;
  appName: string;
  status: string;
  platforms: string[];
  appDescription: string;
  paidFeatures: string;
  moderatorComment: string | null;
  submittedBy: string;
  submittedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}
interface Check {
  key: string;
  ok: boolean;
  required: boolean;
  message: string;
}
interface Preflight {
  ready: boolean;
  checks: Check[];
}

describe.each(DIALECTS)('the votes-payments application over HTTP on %s', (dialect: Dialect) => {
  let t: TestServer;
  const tokens = { admin: '', viewer: '', creator: '', otherApp: '', moderator: '' };
  /** Requests of the app in the order they were sent. */
  const sent: string[] = [];

  async function data<T>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
    const result = await t.gql<T>(query, variables, token);
    expect(result.errors).toBeUndefined();
    return result.data!;
  }
  async function error(
    query: string,
    variables: Record<string, unknown>,
    token: string | null,
  ): Promise<NonNullable<GqlResult<unknown>['errors']>[number]> {
    const result = await t.gql(query, variables, token);
    expect(result.errors).toHaveLength(1);
    return result.errors![0]!;
  }
  const preflight = async (token = tokens.admin) =>
    (await data<{ votesPaymentsPreflight: Preflight }>(PREFLIGHT, { vkAppId: VK_APP_ID }, token)).votesPaymentsPreflight;
  const checkOf = (p: Preflight, key: string) => p.checks.find((c) => c.key === key);
  const history = async (token = tokens.admin) =>
    (await data<{ moderationRequests: Request[] }>(HISTORY, { vkAppId: VK_APP_ID }, token)).moderationRequests;
  const submit = async () =>
    (
      await data<{ submitModerationRequest: Request & { preflight: Preflight } }>(
        SUBMIT,
        { vkAppId: VK_APP_ID, input: INPUT },
        tokens.admin,
      )
    ).submitModerationRequest;
  const decide = (id: string, decision: string, comment?: string) =>
    t.gql<{ decideModerationRequest: Request }>(DECIDE, { id, decision, comment }, tokens.moderator);

  beforeAll(async () => {
    t = await startTestServer(dialect);
    for (const [vkAppId, name] of [
      [VK_APP_ID, 'Farm'],
      [OTHER_VK_APP_ID, 'Other'],
    ] as const) {
      await data(
        `mutation ($input: CreateAppInput!) { createApp(input: $input) { vkAppId } }`,
        { input: { vkAppId, name, secretKey: SECRET_KEY } },
        ROOT_TOKEN,
      );
    }
    const key = async (vkAppId: number | null, role: string, label: string) =>
      (await data<{ createApiKey: { token: string } }>(CREATE_KEY, { vkAppId, role, label }, ROOT_TOKEN)).createApiKey.token;
    tokens.admin = await key(VK_APP_ID, 'PAYMENTS_ADMIN', 'payments team');
    tokens.viewer = await key(VK_APP_ID, 'VIEWER', 'analyst');
    tokens.creator = await key(VK_APP_ID, 'CREATOR', 'owner');
    tokens.otherApp = await key(OTHER_VK_APP_ID, 'CREATOR', 'other owner');
    tokens.moderator = await key(null, 'MODERATOR', 'VK moderator');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a fresh app is not ready: the preflight asks for the notification URL first', async () => {
    const p = await preflight();
    expect(p.ready).toBe(false);
    expect(p.checks.map((c) => [c.key, c.ok, c.required])).toEqual([
      ['NOTIFICATION_URL', false, true],
      ['TEST_PURCHASE_SUCCEEDED', false, false],
      ['TESTERS_CONFIGURED', false, false],
    ]);
  });

  it('submitting without a notification URL is refused with a message naming the URL', async () => {
    const err = await error(SUBMIT, { vkAppId: VK_APP_ID, input: INPUT }, tokens.admin);
    expect(err.extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOTIFICATION_URL_NOT_SET' });
    expect(err.message).toMatch(/notification URL/);
    expect(await history()).toEqual([]);
  });

  it('once the URL is set, a successful test purchase and a tester are added, every check passes', async () => {
    // updatePaymentSettings and addPaymentTester belong to the settings module, built in parallel with
    // this one; until they land, the URL and the tester are written straight to the database.
    const em = t.server.orm.em.fork();
    const app = await em.findOneOrFail(App, { vkAppId: VK_APP_ID });
    app.notificationUrl = 'https://farm.example.com/vk/payments';
    await em.flush();
    let p = await preflight();
    expect(p.ready).toBe(true);
    expect(checkOf(p, 'TEST_PURCHASE_SUCCEEDED')?.ok).toBe(false);

    await data(
      `mutation { upsertCatalogItem(vkAppId: ${VK_APP_ID}, input: {itemId: "seeds", title: "Seed pack", price: 5}) { itemId } }`,
      {},
      tokens.admin,
    );
    const purchase = await t.notify(
      signed(
        {
          app_id: VK_APP_ID,
          user_id: 501,
          receiver_id: 501,
          version: '5.132',
          notification_type: 'order_status_change_test',
          status: 'chargeable',
          order_id: 9001,
          item: 'seeds',
          item_price: 5,
          date: 1777636800,
        },
        SECRET_KEY,
      ),
    );
    expect(purchase.json).toMatchObject({ response: { order_id: 9001 } });
    p = await preflight();
    expect(checkOf(p, 'TEST_PURCHASE_SUCCEEDED')?.ok).toBe(true);
    expect(checkOf(p, 'TESTERS_CONFIGURED')?.ok).toBe(false);

    em.create(PaymentTester, { app, vkUserId: 501, addedBy: 'test setup' });
    await em.flush();
    p = await preflight();
    expect(p.checks.every((c) => c.ok)).toBe(true);
  });

  it('the payments admin submits: the request is PENDING, trimmed, each platform once, with the preflight', async () => {
    const request = await submit();
    sent.push(request.id);
    expect(request).toMatchObject({
      vkAppId: VK_APP_ID,
      appName: 'Farm',
      status: 'PENDING',
      platforms: ['IOS', 'ANDROID'],
      appDescription: 'Farm game: grow crops, trade with neighbours.',
      submittedBy: expect.stringContaining('"payments team" (PAYMENTS_ADMIN)') as string,
      decidedBy: null,
      preflight: { ready: true },
    });
  });

  it('a second submit while one is pending is CONFLICT', async () => {
    const err = await error(SUBMIT, { vkAppId: VK_APP_ID, input: INPUT }, tokens.admin);
    expect(err.extensions).toMatchObject({ code: 'CONFLICT', reason: 'REQUEST_PENDING', requestId: sent[0] });
  });

  it('two submits at the same moment: exactly one is accepted, the other is CONFLICT', async () => {
    // As above, the URL goes straight to the database until updatePaymentSettings lands.
    const em = t.server.orm.em.fork();
    (await em.findOneOrFail(App, { vkAppId: OTHER_VK_APP_ID })).notificationUrl = 'https://other.example.com/vk';
    await em.flush();
    const results = await Promise.all([1, 2].map(() => t.gql(SUBMIT, { vkAppId: OTHER_VK_APP_ID, input: INPUT }, tokens.otherApp)));
    expect(results.map((r) => r.errors?.[0]?.extensions?.code ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
  });

  it('without a token nothing is shown; a VIEWER key may neither read, check nor submit', async () => {
    expect((await error(HISTORY, { vkAppId: VK_APP_ID }, null)).extensions?.code).toBe('UNAUTHENTICATED');
    for (const [query, vars] of [
      [HISTORY, { vkAppId: VK_APP_ID }],
      [PREFLIGHT, { vkAppId: VK_APP_ID }],
      [SUBMIT, { vkAppId: VK_APP_ID, input: INPUT }],
      [WITHDRAW, { id: sent[0] }],
    ] as const) {
      expect((await error(query, vars, tokens.viewer)).extensions?.code).toBe('FORBIDDEN');
    }
  });

  it("another app's key may not touch this app's requests", async () => {
    expect((await error(HISTORY, { vkAppId: VK_APP_ID }, tokens.otherApp)).extensions?.code).toBe('FORBIDDEN');
    expect((await error(SUBMIT, { vkAppId: VK_APP_ID, input: INPUT }, tokens.otherApp)).extensions?.code).toBe('FORBIDDEN');
    // Named by id: another app is told "not found", as for an id that does not exist.
    expect((await error(WITHDRAW, { id: sent[0] }, tokens.otherApp)).extensions?.code).toBe('NOT_FOUND');
    expect((await history())[0]?.status).toBe('PENDING');
  });

  it("the moderator's queue lists the pending request; app keys cannot see the queue or decide, even the creator's", async () => {
    const queue = await data<{ moderationQueue: { totalCount: number; edges: { node: Partial<Request> }[] } }>(
      QUEUE,
      { status: null },
      tokens.moderator,
    );
    expect(queue.moderationQueue.edges.map((e) => e.node)).toContainEqual({
      id: sent[0],
      vkAppId: VK_APP_ID,
      appName: 'Farm',
      status: 'PENDING',
    });
    expect((await error(QUEUE, {}, tokens.admin)).extensions?.code).toBe('FORBIDDEN');
    expect((await error(DECIDE, { id: sent[0], decision: 'APPROVE' }, tokens.creator)).extensions?.code).toBe('FORBIDDEN');
    expect((await error(WITHDRAW, { id: sent[0] }, tokens.moderator)).extensions?.code).toBe('FORBIDDEN');
    // The moderator reads any app's history.
    expect((await history(tokens.moderator)).map((r) => r.id)).toEqual([sent[0]]);
  });

  it('a rejection without a comment is BAD_USER_INPUT; with one, the app sees it', async () => {
    const bare = await decide(sent[0]!, 'REJECT', '   ');
    expect(bare.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'comment' });

    const rejected = await decide(sent[0]!, 'REJECT', 'Describe what the golden tractor does.');
    expect(rejected.errors).toBeUndefined();
    expect(rejected.data?.decideModerationRequest).toMatchObject({
      status: 'REJECTED',
      decidedBy: expect.stringContaining('"VK moderator" (MODERATOR)') as string,
    });
    const [seen] = await history();
    expect(seen).toMatchObject({ id: sent[0], status: 'REJECTED', moderatorComment: 'Describe what the golden tractor does.' });
    expect(seen?.decidedAt).toEqual(expect.any(String));
    const app = await data<{ app: { votesPaymentsEnabled: boolean } }>(
      `{ app(vkAppId: ${VK_APP_ID}) { votesPaymentsEnabled } }`,
      {},
      tokens.admin,
    );
    expect(app.app.votesPaymentsEnabled).toBe(false);
  });

  it('after resubmitting, an approval turns votes payments on', async () => {
    const again = await submit();
    sent.push(again.id);
    const approved = await decide(again.id, 'APPROVE');
    expect(approved.data?.decideModerationRequest).toMatchObject({ status: 'APPROVED', moderatorComment: null });
    const app = await data<{ app: { votesPaymentsEnabled: boolean } }>(
      `{ app(vkAppId: ${VK_APP_ID}) { votesPaymentsEnabled } }`,
      {},
      tokens.admin,
    );
    expect(app.app.votesPaymentsEnabled).toBe(true);
    const approvedQueue = await data<{ moderationQueue: { edges: { node: { id: string } }[] } }>(
      QUEUE,
      { status: 'APPROVED' },
      tokens.moderator,
    );
    expect(approvedQueue.moderationQueue.edges.map((e) => e.node.id)).toEqual([again.id]);
  });

  it('a decided request cannot be withdrawn or decided again: CONFLICT with its status', async () => {
    const withdraw = await error(WITHDRAW, { id: sent[1] }, tokens.admin);
    expect(withdraw.extensions).toMatchObject({ code: 'CONFLICT', status: 'APPROVED' });
    expect(withdraw.message).toMatch(/approved/);
    expect((await decide(sent[0]!, 'APPROVE')).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', status: 'REJECTED' });
  });

  it('a pending request can be withdrawn by the app', async () => {
    const third = await submit();
    sent.push(third.id);
    const withdrawn = await data<{ withdrawModerationRequest: { id: string; status: string } }>(WITHDRAW, { id: third.id }, tokens.admin);
    expect(withdrawn.withdrawModerationRequest).toEqual({ id: third.id, status: 'WITHDRAWN' });
    const queue = await data<{ moderationQueue: { edges: { node: { id: string } }[] } }>(QUEUE, {}, tokens.moderator);
    expect(queue.moderationQueue.edges.map((e) => e.node.id)).not.toContain(third.id);
  });

  it('the history keeps every request, newest first', async () => {
    expect((await history()).map((r) => [r.id, r.status])).toEqual([
      [sent[2], 'WITHDRAWN'],
      [sent[1], 'APPROVED'],
      [sent[0], 'REJECTED'],
    ]);
  });

  it('every step is in the audit log with who did it', async () => {
    const audit = await data<{
      auditEvents: { edges: { node: { action: string; actor: string; target: string; before: unknown; after: unknown } }[] };
    }>(`{ auditEvents(vkAppId: ${VK_APP_ID}, first: 50) { edges { node { action actor target before after } } } }`, {}, tokens.admin);
    const moderation = audit.auditEvents.edges
      .map((e) => e.node)
      .filter((e) => e.action.startsWith('moderation.'))
      .reverse();
    // The payments admin reads its own key's label; another key's label is access management (CREATOR/ADMIN).
    expect(moderation.map((e) => [e.action, e.target, e.actor.replace(/^key \d+ /, '')])).toEqual([
      ['moderation.submit', sent[0], '"payments team" (PAYMENTS_ADMIN)'],
      ['moderation.decide', sent[0], '(MODERATOR)'],
      ['moderation.submit', sent[1], '"payments team" (PAYMENTS_ADMIN)'],
      ['moderation.decide', sent[1], '(MODERATOR)'],
      ['moderation.submit', sent[2], '"payments team" (PAYMENTS_ADMIN)'],
      ['moderation.withdraw', sent[2], '"payments team" (PAYMENTS_ADMIN)'],
    ]);
    expect(moderation[3]).toMatchObject({
      before: { status: 'PENDING', votesPaymentsEnabled: false },
      after: { status: 'APPROVED', votesPaymentsEnabled: true },
    });
  });
});
