/**
 * Ranks hold both ways: for every pair (actor, target role) on one app, over real HTTP, whoever may
 * create a key or widget session of a role may revoke one, and nobody may revoke one they could not
 * have created. The expectations are written out by hand (ARCHITECTURE.md §5 roles): CREATOR > ADMIN >
 * PAYMENTS_ADMIN > VIEWER; keys are managed by CREATOR and ADMIN; sessions minted by a key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_TOKEN, SECRET, startTestServer, type TestServer } from './helpers.js';

const APP = 83001;
const ROLES = ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'VIEWER'] as const;
type AppRole = (typeof ROLES)[number];
type Actor = 'root' | AppRole | 'ADMIN_SESSION';
const ACTORS: Actor[] = ['root', 'CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'VIEWER', 'ADMIN_SESSION'];

/** Which target roles each actor may create keys of. */
const KEYS_OF: Record<Actor, AppRole[]> = {
  root: ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'VIEWER'],
  CREATOR: ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'VIEWER'],
  ADMIN: ['ADMIN', 'PAYMENTS_ADMIN', 'VIEWER'],
  PAYMENTS_ADMIN: [],
  VIEWER: [],
  // An ADMIN widget session revokes what its rank allows, but makes no keys (they would outlive it).
  ADMIN_SESSION: [],
};
/** …and revoke keys of, written out apart so a loosened revocation shows (the ranks are the same both ways). */
const KEY_REVOKES_OF: Record<Actor, AppRole[]> = {
  root: ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'VIEWER'],
  CREATOR: ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'VIEWER'],
  ADMIN: ['ADMIN', 'PAYMENTS_ADMIN', 'VIEWER'],
  PAYMENTS_ADMIN: [],
  VIEWER: [],
  ADMIN_SESSION: ['ADMIN', 'PAYMENTS_ADMIN', 'VIEWER'],
};

/** Session roles (a VIEWER session could do nothing, so there is none). */
const SESSION_ROLES = ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN'] as const;
type SessionRole = (typeof SESSION_ROLES)[number];
/** Which session roles each actor may mint (with a key) and revoke (as creator/admin of the app). */
const SESSIONS_MINTED_BY: Record<Actor, SessionRole[]> = {
  root: ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN'],
  CREATOR: ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN'],
  ADMIN: ['ADMIN', 'PAYMENTS_ADMIN'],
  PAYMENTS_ADMIN: ['PAYMENTS_ADMIN'],
  VIEWER: [],
  ADMIN_SESSION: [],
};
const SESSIONS_REVOKED_BY: Record<Actor, SessionRole[]> = {
  root: ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN'],
  CREATOR: ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN'],
  ADMIN: ['ADMIN', 'PAYMENTS_ADMIN'],
  PAYMENTS_ADMIN: [], // only the sessions its own key minted
  VIEWER: [],
  ADMIN_SESSION: [], // session management is for API keys (MINT_SESSION), not for sessions
};

let t: TestServer;
const tokens = {} as Record<Actor, string>;

/** The error code of the call as `actor`, or 'ok'. */
async function outcome(actor: Actor, document: string): Promise<string> {
  const result = await t.gql(document, {}, tokens[actor]);
  return result.errors?.length ? String(result.errors[0]!.extensions?.code) : 'ok';
}

async function asRoot<T>(document: string): Promise<T> {
  const result = await t.gql<T>(document);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!;
}

const newKey = (role: AppRole) =>
  asRoot<{ createApiKey: { token: string; apiKey: { id: string } } }>(
    `mutation { createApiKey(vkAppId: ${APP}, role: ${role}, label: "rank ${role}") { token apiKey { id } } }`,
  ).then((d) => d.createApiKey);
const newSession = (role: SessionRole) =>
  asRoot<{ createWidgetSession: { id: string; token: string } }>(
    `mutation { createWidgetSession(vkAppId: ${APP}, role: ${role}) { id token } }`,
  ).then((d) => d.createWidgetSession);

beforeAll(async () => {
  t = await startTestServer();
  await asRoot(`mutation { createApp(input: {vkAppId: ${APP}, name: "Ranks", secretKey: "${SECRET}"}) { vkAppId } }`);
  tokens.root = ROOT_TOKEN;
  for (const role of ROLES) tokens[role] = (await newKey(role)).token;
  tokens.ADMIN_SESSION = (
    await t.gql<{ createWidgetSession: { token: string } }>(
      `mutation { createWidgetSession(vkAppId: ${APP}, role: ADMIN) { token } }`,
      {},
      tokens.ADMIN,
    )
  ).data!.createWidgetSession.token;
});
afterAll(() => t?.close());

describe.each(ACTORS)('as %s', (actor) => {
  it.each(ROLES)(`creating and revoking a %s key agree with the ranks`, async (target) => {
    const created = await outcome(actor, `mutation { createApiKey(vkAppId: ${APP}, role: ${target}, label: "by ${actor}") { token } }`);
    const { apiKey, token } = await newKey(target);
    const revoked = await outcome(actor, `mutation { revokeApiKey(id: "${apiKey.id}") { revokedAt } }`);
    expect({ created, revoked }).toEqual({
      created: KEYS_OF[actor].includes(target) ? 'ok' : 'FORBIDDEN',
      revoked: KEY_REVOKES_OF[actor].includes(target) ? 'ok' : 'FORBIDDEN',
    });
    // A refused revocation changed nothing: the key still works; an allowed one ended it.
    const stillWorks = (await t.gql('{ me { kind } }', {}, token)).errors === undefined;
    expect(stillWorks).toBe(revoked !== 'ok');
  });

  it.each(SESSION_ROLES)(`minting and revoking a %s widget session agree with the ranks`, async (target) => {
    const minted = await outcome(actor, `mutation { createWidgetSession(vkAppId: ${APP}, role: ${target}) { token } }`);
    const session = await newSession(target);
    const revoked = await outcome(actor, `mutation { revokeWidgetSession(id: "${session.id}") }`);
    expect({ minted, revoked }).toEqual({
      minted: SESSIONS_MINTED_BY[actor].includes(target) ? 'ok' : 'FORBIDDEN',
      revoked: SESSIONS_REVOKED_BY[actor].includes(target) ? 'ok' : 'FORBIDDEN',
    });
    const stillWorks = (await t.gql('{ me { kind } }', {}, session.token)).errors === undefined;
    expect(stillWorks).toBe(revoked !== 'ok');
  });
});

describe('API key labels are access management: only CREATOR and ADMIN read them', () => {
  const LABEL = 'deploy-bot "prod" (CREATOR)';
  const READS = `{
    auditEvents(vkAppId: ${APP}, first: 100) { edges { node { action actor before after } } }
    paymentTesters(vkAppId: ${APP}) { vkUserId addedBy }
    moderationRequests(vkAppId: ${APP}) { submittedBy }
  }`;
  let keyId: string;
  let moderatorToken: string;

  beforeAll(async () => {
    const creator = await asRoot<{ createApiKey: { token: string; apiKey: { id: string } } }>(
      `mutation { createApiKey(vkAppId: ${APP}, role: CREATOR, label: ${JSON.stringify(LABEL)}) { token apiKey { id } } }`,
    );
    keyId = creator.createApiKey.apiKey.id;
    const as = async (document: string) => {
      const r = await t.gql(document, {}, creator.createApiKey.token);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
    };
    await as(`mutation { createApiKey(vkAppId: ${APP}, role: VIEWER, label: "made by the bot") { token } }`);
    await as(`mutation { addPaymentTester(vkAppId: ${APP}, vkUserId: 4242) { vkUserId } }`);
    await as(`mutation { addPaymentTester(vkAppId: ${APP}, vkUserId: 4343) { vkUserId } }`);
    await as(`mutation { removePaymentTester(vkAppId: ${APP}, vkUserId: 4343) }`);
    await as(`mutation { updatePaymentSettings(vkAppId: ${APP}, input: {notificationUrl: "https://game.example.com/vk"}) { vkAppId } }`);
    await as(
      `mutation { submitModerationRequest(vkAppId: ${APP}, input: {platforms: [WEB], appDescription: "A puzzle game", paidFeatures: "Extra levels for votes"}) { id } }`,
    );
    const moderator = await asRoot<{ createApiKey: { token: string } }>(
      'mutation { createApiKey(role: MODERATOR, label: "mod") { token } }',
    );
    moderatorToken = moderator.createApiKey.token;
  });

  it.each(['PAYMENTS_ADMIN', 'MODERATOR'] as const)(
    'a %s sees who acted as "key N (ROLE)", never a key label or a key event',
    async (viewer) => {
      const document = viewer === 'MODERATOR' ? `{ moderationRequests(vkAppId: ${APP}) { submittedBy } }` : READS;
      const result = await t.gql<Record<string, unknown>>(document, {}, viewer === 'MODERATOR' ? moderatorToken : tokens[viewer]);
      expect(result.errors).toBeUndefined();
      const text = JSON.stringify(result.data);
      expect(text).not.toContain('deploy-bot');
      expect(text).not.toContain('made by the bot');
      expect(text).not.toContain('apikey.');
      expect(text).toContain(`key ${keyId} (CREATOR)`);
    },
  );

  it.each(['CREATOR', 'ADMIN'] as const)('a %s sees the labels and the key events', async (viewer) => {
    const result = await t.gql(READS, {}, tokens[viewer]);
    const text = JSON.stringify(result.data);
    expect(text).toContain(JSON.stringify(`key ${keyId} "${LABEL}" (CREATOR)`).slice(1, -1));
    expect(text).toContain('apikey.create');
  });
});
