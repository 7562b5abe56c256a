/**
 * The operator's path through "Payments → Connection → Настройки" (VK's panel, docs/protocol.md §8) over HTTP: the
 * notification URL, the API version rule, secret rotation, payment testers, checking the URL, who may
 * do what, and the audit trail — on a real server and database.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../src/apps/app.entity.js';
import { CatalogItem } from '../src/catalog/catalog-item.entity.js';
import { DIALECTS, SECRET, signed, startTestServer, type Dialect, type GqlResult, type TestServer } from './helpers.js';

const PUBLIC_URL = 'https://pay.example.com';
/** Registered on VK in 2023: may choose its API version. */
const OLD_APP = 3100;
/** Registered in 2025: fixed to 5.132. */
const NEW_APP = 3200;
/** Registration date unknown. */
const UNDATED_APP = 3300;
/** Its secret is rotated; nothing else uses it. */
const ROTATE_APP = 3400;
/** Has no catalog: checkNotificationUrl asks about a made-up item. */
const BARE_APP = 3500;
const SECRETS = {
  [OLD_APP]: SECRET,
  [NEW_APP]: 'NewAppSecret-2025-abcd',
  [UNDATED_APP]: 'UndatedSecret-0000-efgh',
  [ROTATE_APP]: 'RotateMeSecret-0001-ijkl',
  [BARE_APP]: 'BareAppSecret-0002-mnop',
};
const ROTATED_SECRET = 'FreshFromVkPanel-0003-qrst';
const THIRD_SECRET = 'ThirdSecretKey-0004-uvwx';
const ALL_SECRETS = [...Object.values(SECRETS), ROTATED_SECRET, THIRD_SECRET];

const SETTINGS = `query ($vkAppId: Int!) { app(vkAppId: $vkAppId) { vkRegisteredAt settings {
  notificationUrl apiVersion secretKeyHint endpointUrl apiVersionLocked apiVersionLockReason supportedApiVersions previousSecretKeyHint previousSecretExpiresAt
} } }`;
const UPDATE_SETTINGS = `mutation ($vkAppId: Int!, $input: PaymentSettingsInput!) {
  updatePaymentSettings(vkAppId: $vkAppId, input: $input) { vkAppId settings { notificationUrl apiVersion } }
}`;
const UPDATE_APP = `mutation ($vkAppId: Int!, $input: UpdateAppInput!) { updateApp(vkAppId: $vkAppId, input: $input) { name vkRegisteredAt apiVersion } }`;
const ROTATE = `mutation ($vkAppId: Int!, $secretKey: String!, $overlapHours: Int) {
  rotateAppSecret(vkAppId: $vkAppId, secretKey: $secretKey, overlapHours: $overlapHours) { settings { secretKeyHint previousSecretKeyHint previousSecretExpiresAt } }
}`;
const TESTERS = `query ($vkAppId: Int!) { paymentTesters(vkAppId: $vkAppId) { vkUserId addedAt addedBy } }`;
const ADD_TESTER = `mutation ($vkAppId: Int!, $vkUserId: Int!) { addPaymentTester(vkAppId: $vkAppId, vkUserId: $vkUserId) { vkUserId addedAt addedBy } }`;
const REMOVE_TESTER = `mutation ($vkAppId: Int!, $vkUserId: Int!) { removePaymentTester(vkAppId: $vkAppId, vkUserId: $vkUserId) }`;
const CHECK = `mutation ($vkAppId: Int!) { checkNotificationUrl(vkAppId: $vkAppId) {
  url ok httpStatus durationMs verdict problems errorCode errorMessage responseBody request summary
} }`;
const LOGS = `query ($vkAppId: Int!, $filter: NotificationLogFilter) {
  notificationLogs(vkAppId: $vkAppId, filter: $filter, first: 50) { edges { node { rawType vkUserId ok errorCode signatureValid signedWith warning request } } }
}`;
const AUDIT = `query ($vkAppId: Int!) { auditEvents(vkAppId: $vkAppId, first: 100) { edges { node { action actor target before after } } } }`;

interface Settings {
  notificationUrl: string | null;
  apiVersion: string;
  secretKeyHint: string;
  endpointUrl: string;
  apiVersionLocked: boolean;
  apiVersionLockReason: string | null;
  supportedApiVersions: string[];
  previousSecretKeyHint: string | null;
  previousSecretExpiresAt: string | null;
}
interface Check {
  url: string;
  ok: boolean;
  httpStatus: number | null;
  durationMs: number;
  verdict: string;
  problems: string[];
  errorCode: number | null;
  errorMessage: string | null;
  responseBody: string | null;
  request: Record<string, string>;
  summary: string;
}
interface LogNode {
  rawType: string;
  vkUserId: number | null;
  ok: boolean;
  errorCode: number | null;
  signatureValid: boolean | null;
  signedWith: string | null;
  warning: string | null;
  request: Record<string, string>;
}
interface AuditNode {
  action: string;
  actor: string;
  target: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
interface Tester {
  vkUserId: number;
  addedAt: string;
  addedBy: string;
}

/** A real HTTP server answering as a broken handler would. */
async function brokenPeer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/not-json') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Welcome to nginx!</html>');
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(DIALECTS)('payment settings, secret rotation, testers and the URL check over HTTP on %s', (dialect: Dialect) => {
  let t: TestServer;
  let peer: { url: string; server: Server };
  const tokens = { admin: '', payments: '', viewer: '', otherApp: '' };
  /** Every GraphQL answer of this suite, as text, to check that none ever shows a secret. */
  const answers: string[] = [];

  async function gql<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GqlResult<T>> {
    const result = await (token === undefined ? t.gql<T>(query, variables) : t.gql<T>(query, variables, token));
    answers.push(JSON.stringify(result));
    return result;
  }
  async function data<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
    const result = await gql<T>(query, variables, token);
    expect(result.errors).toBeUndefined();
    return result.data!;
  }
  async function failure(query: string, variables: Record<string, unknown> = {}, token?: string) {
    const result = await gql(query, variables, token);
    expect(result.errors).toHaveLength(1);
    return result.errors![0]!;
  }
  const settingsOf = async (vkAppId: number): Promise<Settings> =>
    (await data<{ app: { settings: Settings } }>(SETTINGS, { vkAppId })).app.settings;
  const setUrl = (vkAppId: number, notificationUrl: string | null, token?: string) =>
    gql(UPDATE_SETTINGS, { vkAppId, input: { notificationUrl } }, token);
  const check = async (vkAppId: number, token?: string): Promise<Check> =>
    (await data<{ checkNotificationUrl: Check }>(CHECK, { vkAppId }, token)).checkNotificationUrl;
  const logs = async (vkAppId: number, filter: Record<string, unknown> = {}): Promise<LogNode[]> =>
    (await data<{ notificationLogs: { edges: { node: LogNode }[] } }>(LOGS, { vkAppId, filter })).notificationLogs.edges.map((e) => e.node);
  const auditOf = async (vkAppId: number): Promise<AuditNode[]> =>
    (await data<{ auditEvents: { edges: { node: AuditNode }[] } }>(AUDIT, { vkAppId })).auditEvents.edges.map((e) => e.node);

  let nextOrder = 7_000_000;
  const getItem = (vkAppId: number, secret: string, fields: Record<string, string | number> = {}) =>
    t.notify(
      signed(
        {
          app_id: vkAppId,
          user_id: 501,
          version: '5.132',
          notification_type: 'get_item',
          item: 'gem_pack',
          lang: 'ru_RU',
          order_id: nextOrder++,
          ...fields,
        },
        secret,
      ),
    );

  async function createApp(vkAppId: number, vkRegisteredAt: string | null, withItem = true): Promise<void> {
    const input = {
      vkAppId,
      name: `App ${vkAppId}`,
      secretKey: SECRETS[vkAppId as keyof typeof SECRETS],
      ...(vkRegisteredAt && { vkRegisteredAt }),
    };
    await data(`mutation ($input: CreateAppInput!) { createApp(input: $input) { vkAppId } }`, { input });
    if (withItem) {
      await data(
        `mutation ($vkAppId: Int!) { upsertCatalogItem(vkAppId: $vkAppId, input: { itemId: "gem_pack", title: "Gem pack", price: 24 }) { itemId } }`,
        { vkAppId },
      );
    }
  }
  const apiKey = async (vkAppId: number, role: string): Promise<string> =>
    (
      await data<{ createApiKey: { token: string } }>(
        `mutation ($vkAppId: Int, $role: Role!) { createApiKey(vkAppId: $vkAppId, role: $role, label: "${role} key") { token } }`,
        { vkAppId, role },
      )
    ).createApiKey.token;

  beforeAll(async () => {
    // The broken peers below listen on 127.0.0.1: private, so the operator allows it here.
    t = await startTestServer(dialect, { VKP_PUBLIC_URL: PUBLIC_URL, VKP_ALLOW_PRIVATE_URLS: '127.0.0.1/32' });
    peer = await brokenPeer();
    await createApp(OLD_APP, '2023-05-10T00:00:00.000Z');
    await createApp(NEW_APP, '2025-02-01T00:00:00.000Z');
    await createApp(UNDATED_APP, null);
    await createApp(ROTATE_APP, '2023-01-01T00:00:00.000Z');
    await createApp(BARE_APP, null, false);
    tokens.admin = await apiKey(OLD_APP, 'ADMIN');
    tokens.payments = await apiKey(OLD_APP, 'PAYMENTS_ADMIN');
    tokens.viewer = await apiKey(OLD_APP, 'VIEWER');
    tokens.otherApp = await apiKey(NEW_APP, 'CREATOR');
  });
  afterAll(async () => {
    peer?.server.close();
    await t?.close();
  });

  describe('the settings tab', () => {
    it('shows the URL to paste into VK from VKP_PUBLIC_URL and only a hint of the secret', async () => {
      expect(await settingsOf(OLD_APP)).toEqual({
        notificationUrl: null,
        apiVersion: '5.132',
        secretKeyHint: '••••XyZw',
        endpointUrl: 'https://pay.example.com/vk/payments',
        apiVersionLocked: false,
        apiVersionLockReason: null,
        supportedApiVersions: ['5.131', '5.132'],
        previousSecretKeyHint: null,
        previousSecretExpiresAt: null,
      });
    });

    it('saves the notification URL trimmed, keeps the API version when only the URL is given, and null clears it', async () => {
      const saved = await data<{ updatePaymentSettings: { settings: Settings } }>(UPDATE_SETTINGS, {
        vkAppId: OLD_APP,
        input: { notificationUrl: '  https://game.example.com/vk/payments?x=1  ' },
      });
      expect(saved.updatePaymentSettings.settings).toEqual({
        notificationUrl: 'https://game.example.com/vk/payments?x=1',
        apiVersion: '5.132',
      });
      expect((await setUrl(OLD_APP, null)).errors).toBeUndefined();
      expect((await settingsOf(OLD_APP)).notificationUrl).toBeNull();
    });

    it.each([
      ['a relative path', '/vk/payments', { reason: 'invalidUrl' }],
      ['another scheme', 'ftp://game.example.com/vk', { reason: 'invalidUrl' }],
      ['not a URL', 'game example com', { reason: 'spaces' }],
      ['a user name and password', 'https://user:pass@game.example.com/vk', { reason: 'urlCredentials' }],
      ['more than 2048 characters', `https://game.example.com/${'a'.repeat(2048)}`, { reason: 'tooLong', max: 2048 }],
      ['an empty string', '   ', { reason: 'required' }],
      ['a private address', 'http://10.1.2.3/vk', { reason: 'privateAddress' }],
    ])('refuses a notification URL with %s, naming the field and the reason', async (_what, notificationUrl, params) => {
      await data(UPDATE_SETTINGS, { vkAppId: OLD_APP, input: { notificationUrl: 'https://kept.example.com/vk' } });
      const error = await failure(UPDATE_SETTINGS, { vkAppId: OLD_APP, input: { notificationUrl } });
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'notificationUrl', params });
      expect(error.message).toMatch(/^notificationUrl: /);
      expect((await settingsOf(OLD_APP)).notificationUrl).toBe('https://kept.example.com/vk');
    });
  });

  describe('the API version', () => {
    it('an app registered in 2023 may switch to 5.131 and back', async () => {
      const to131 = await data<{ updatePaymentSettings: { settings: Settings } }>(UPDATE_SETTINGS, {
        vkAppId: OLD_APP,
        input: { apiVersion: '5.131' },
      });
      expect(to131.updatePaymentSettings.settings.apiVersion).toBe('5.131');
      expect((await settingsOf(OLD_APP)).apiVersion).toBe('5.131');
      await data(UPDATE_SETTINGS, { vkAppId: OLD_APP, input: { apiVersion: '5.132' } });
      expect((await settingsOf(OLD_APP)).apiVersion).toBe('5.132');
    });

    it("an app registered in 2025 is refused another version, with VK's rule in the message", async () => {
      const error = await failure(UPDATE_SETTINGS, { vkAppId: NEW_APP, input: { apiVersion: '5.131' } });
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'apiVersion' });
      expect(error.message).toContain('apps registered on VK from January 2024 use the API 5.132 notification format');
      expect(error.message).toContain('registered on 2025-02-01');
      const settings = await settingsOf(NEW_APP);
      expect(settings).toMatchObject({ apiVersion: '5.132', apiVersionLocked: true, supportedApiVersions: ['5.132'] });
      expect(settings.apiVersionLockReason).toContain('only for apps registered before 2024');
      // Saving the whole form with the version it must have is fine.
      expect(
        (await gql(UPDATE_SETTINGS, { vkAppId: NEW_APP, input: { apiVersion: '5.132', notificationUrl: 'https://new.example.com/vk' } }))
          .errors,
      ).toBeUndefined();
    });

    it('an app of unknown registration date is locked until updateApp records an older date', async () => {
      const error = await failure(UPDATE_SETTINGS, { vkAppId: UNDATED_APP, input: { apiVersion: '5.131' } });
      expect(error.extensions?.field).toBe('apiVersion');
      expect(error.message).toContain('set vkRegisteredAt with updateApp');

      await data(UPDATE_APP, { vkAppId: UNDATED_APP, input: { vkRegisteredAt: '2021-03-04T00:00:00.000Z' } });
      await data(UPDATE_SETTINGS, { vkAppId: UNDATED_APP, input: { apiVersion: '5.131' } });
      expect((await settingsOf(UNDATED_APP)).apiVersion).toBe('5.131');

      // Learning that the app is from 2024 after all moves it to 5.132.
      const moved = await data<{ updateApp: { apiVersion: string; vkRegisteredAt: string } }>(UPDATE_APP, {
        vkAppId: UNDATED_APP,
        input: { vkRegisteredAt: '2024-06-01T00:00:00.000Z' },
      });
      expect(moved.updateApp).toMatchObject({ apiVersion: '5.132', vkRegisteredAt: '2024-06-01T00:00:00.000Z' });
    });

    it('refuses a version the server does not know, naming the field', async () => {
      const error = await failure(UPDATE_SETTINGS, { vkAppId: OLD_APP, input: { apiVersion: '5.100' } });
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'apiVersion' });
      expect(error.message).toBe('apiVersion: must be one of 5.131, 5.132');
    });

    it('refuses a registration date in the future', async () => {
      const error = await failure(UPDATE_APP, { vkAppId: OLD_APP, input: { vkRegisteredAt: '2999-01-01T00:00:00.000Z' } });
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'vkRegisteredAt' });
    });
  });

  describe('secret rotation', () => {
    it('with an overlap, notifications signed with either key are answered and the log says which key verified', async () => {
      const before = Date.now();
      const rotated = await data<{ rotateAppSecret: { settings: Settings } }>(ROTATE, {
        vkAppId: ROTATE_APP,
        secretKey: ROTATED_SECRET,
        overlapHours: 24,
      });
      const s = rotated.rotateAppSecret.settings;
      expect(s).toMatchObject({ secretKeyHint: '••••qrst', previousSecretKeyHint: '••••ijkl' });
      const until = Date.parse(s.previousSecretExpiresAt!);
      expect(until).toBeGreaterThanOrEqual(before + 24 * 3_600_000);
      expect(until).toBeLessThan(Date.now() + 24 * 3_600_000 + 1000);

      const viaOld = await getItem(ROTATE_APP, SECRETS[ROTATE_APP]);
      const viaNew = await getItem(ROTATE_APP, ROTATED_SECRET);
      expect(viaOld.json).toEqual({ response: { title: 'Gem pack', price: 24, item_id: 'gem_pack' } });
      expect(viaNew.json).toEqual(viaOld.json);
      const [newest, older] = await logs(ROTATE_APP);
      expect(newest).toMatchObject({ ok: true, signatureValid: true, signedWith: 'current' });
      expect(older).toMatchObject({ ok: true, signatureValid: true, signedWith: 'previous' });
    });

    it('without an overlap the old key stops verifying at once', async () => {
      const rotated = await data<{ rotateAppSecret: { settings: Settings } }>(ROTATE, {
        vkAppId: ROTATE_APP,
        secretKey: THIRD_SECRET,
        overlapHours: 0,
      });
      expect(rotated.rotateAppSecret.settings).toMatchObject({
        secretKeyHint: '••••uvwx',
        previousSecretKeyHint: null,
        previousSecretExpiresAt: null,
      });
      expect((await getItem(ROTATE_APP, ROTATED_SECRET)).json).toMatchObject({ error: { error_code: 10 } });
      expect((await getItem(ROTATE_APP, SECRETS[ROTATE_APP])).json).toMatchObject({ error: { error_code: 10 } });
      expect((await getItem(ROTATE_APP, THIRD_SECRET)).json).toHaveProperty('response');
      const [newest, , refused] = await logs(ROTATE_APP);
      expect(newest).toMatchObject({ signedWith: 'current' });
      expect(refused).toMatchObject({ ok: false, errorCode: 10, signatureValid: false, signedWith: null });
    });

    it.each([
      ['the current key again', { secretKey: THIRD_SECRET }, 'secretKey'],
      ['a key with a trailing space', { secretKey: 'Another-key-0005 ' }, 'secretKey'],
      ['a key too short', { secretKey: 'short' }, 'secretKey'],
      ['an overlap over a week', { secretKey: 'Another-key-0005', overlapHours: 169 }, 'overlapHours'],
      ['a negative overlap', { secretKey: 'Another-key-0005', overlapHours: -1 }, 'overlapHours'],
      ['a fractional overlap', { secretKey: 'Another-key-0005', overlapHours: 1.5 }, null],
    ])('refuses %s, naming the field', async (_what, args, field) => {
      const error = await failure(ROTATE, { vkAppId: ROTATE_APP, ...args });
      // A fractional number is refused by GraphQL's Int itself, before our validation.
      expect(error.extensions).toMatchObject(field ? { code: 'BAD_USER_INPUT', field } : { code: 'BAD_USER_INPUT' });
      expect((await settingsOf(ROTATE_APP)).secretKeyHint).toBe('••••uvwx');
    });
  });

  describe('payment testers', () => {
    it('are added, listed newest first with who added them, and removed', async () => {
      const first = await data<{ addPaymentTester: Tester }>(ADD_TESTER, { vkAppId: OLD_APP, vkUserId: 501 }, tokens.payments);
      expect(first.addPaymentTester).toMatchObject({ vkUserId: 501, addedBy: 'key 2 "PAYMENTS_ADMIN key" (PAYMENTS_ADMIN)' });
      await data(ADD_TESTER, { vkAppId: OLD_APP, vkUserId: 502 });
      const again = await data<{ addPaymentTester: Tester }>(ADD_TESTER, { vkAppId: OLD_APP, vkUserId: 501 });
      expect(again.addPaymentTester).toEqual(first.addPaymentTester);

      const listed = (await data<{ paymentTesters: Tester[] }>(TESTERS, { vkAppId: OLD_APP })).paymentTesters;
      expect(listed.map((x) => x.vkUserId)).toEqual([502, 501]);
      expect(listed[0]!.addedBy).toBe('root (VKP_ADMIN_TOKEN)');

      expect((await data<{ removePaymentTester: boolean }>(REMOVE_TESTER, { vkAppId: OLD_APP, vkUserId: 502 })).removePaymentTester).toBe(
        true,
      );
      expect((await data<{ removePaymentTester: boolean }>(REMOVE_TESTER, { vkAppId: OLD_APP, vkUserId: 502 })).removePaymentTester).toBe(
        false,
      );
      expect((await data<{ paymentTesters: Tester[] }>(TESTERS, { vkAppId: OLD_APP })).paymentTesters.map((x) => x.vkUserId)).toEqual([
        501,
      ]);
    });

    it('refuses a user id that is not positive, naming the field', async () => {
      const error = await failure(ADD_TESTER, { vkAppId: OLD_APP, vkUserId: 0 });
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'vkUserId' });
    });

    it('a _test notification from a user who is not a tester is answered, and flagged in notificationLogs', async () => {
      const fromStranger = await getItem(OLD_APP, SECRET, { notification_type: 'get_item_test', user_id: 9001 });
      const fromTester = await getItem(OLD_APP, SECRET, { notification_type: 'get_item_test', user_id: 501 });
      expect(fromStranger.json).toEqual({ response: { title: 'Gem pack', price: 24, item_id: 'gem_pack' } });
      expect(fromTester.json).toEqual(fromStranger.json);
      const [stranger] = await logs(OLD_APP, { vkUserId: 9001 });
      expect(stranger).toMatchObject({
        rawType: 'get_item_test',
        ok: true,
        warning: 'user 9001 is not a payment tester of this app: VK sends _test notifications only for testers',
      });
      const [tester] = await logs(OLD_APP, { vkUserId: 501, test: true });
      expect(tester).toMatchObject({ rawType: 'get_item_test', ok: true, warning: null });
      // The log filter finds exactly the flagged rows.
      const flagged = await logs(OLD_APP, { warning: true });
      expect(flagged.length).toBeGreaterThan(0);
      expect(flagged.every((row) => row.warning !== null)).toBe(true);
      expect(flagged.map((row) => row.vkUserId)).toContain(9001);
      expect((await logs(OLD_APP, { warning: false })).every((row) => row.warning === null)).toBe(true);
    });
  });

  describe('checkNotificationUrl', () => {
    it('refuses when no notification URL is set, naming the field', async () => {
      await data(UPDATE_SETTINGS, { vkAppId: OLD_APP, input: { notificationUrl: null } });
      const error = await failure(CHECK, { vkAppId: OLD_APP });
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'notificationUrl' });
    });

    it('pointed at this server, a signed get_item_test for a catalog item comes back SUCCESS', async () => {
      await setUrl(OLD_APP, `${t.url}/vk/payments`);
      const result = await check(OLD_APP, tokens.payments);
      expect(result).toMatchObject({
        url: `${t.url}/vk/payments`,
        ok: true,
        httpStatus: 200,
        verdict: 'SUCCESS',
        problems: [],
        errorCode: null,
        responseBody: '{"response":{"title":"Gem pack","price":24,"item_id":"gem_pack"}}',
        // As VK would for a tester (501 is one), in the app's API version's format.
        request: {
          app_id: String(OLD_APP),
          notification_type: 'get_item_test',
          item: 'gem_pack',
          user_id: '501',
          version: '5.132',
          sig: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
        },
      });
      expect(result.durationMs).toBeGreaterThan(0);
      // Our own endpoint verified the signature and logged the request like any other.
      const [logged] = await logs(OLD_APP, { orderId: result.request.order_id });
      expect(logged).toMatchObject({ rawType: 'get_item_test', ok: true, signedWith: 'current', warning: null });
    });

    it('for an app of the old API version the check is sent without the version field', async () => {
      await data(UPDATE_SETTINGS, { vkAppId: OLD_APP, input: { apiVersion: '5.131' } });
      const result = await check(OLD_APP);
      await data(UPDATE_SETTINGS, { vkAppId: OLD_APP, input: { apiVersion: '5.132' } });
      expect(result.ok).toBe(true);
      expect(result.request).not.toHaveProperty('version');
    });

    it('an app without catalog items is asked about a made-up item, and error 20 counts as a healthy handler', async () => {
      await setUrl(BARE_APP, `${t.url}/vk/payments`);
      const result = await check(BARE_APP);
      expect(result).toMatchObject({
        ok: true,
        verdict: 'VK_ERROR',
        errorCode: 20,
        httpStatus: 200,
        request: { item: 'vkp_check', user_id: '1' },
      });
      expect(result.summary).toContain('made-up item "vkp_check"');
    });

    it('never signs an item an older version stored with an id outside the alphabet: it asks about the next one', async () => {
      const em = t.server.orm.em.fork();
      const app = await em.findOneOrFail(App, { vkAppId: UNDATED_APP });
      // Sorted before gem_pack, and "=" would let it fold a real order into the signed get_item_test.
      em.create(CatalogItem, { app, itemId: 'a=legacyitem_price=1status=chargeable', title: 'Legacy', price: 1 });
      await em.flush();
      await setUrl(UNDATED_APP, `${t.url}/vk/payments`);
      const result = await check(UNDATED_APP);
      expect(result).toMatchObject({ ok: true, verdict: 'SUCCESS', request: { item: 'gem_pack' } });
    });

    it('an answer that is not JSON is INVALID and shows what came back', async () => {
      await setUrl(OLD_APP, `${peer.url}/not-json`);
      const result = await check(OLD_APP);
      expect(result).toMatchObject({
        ok: false,
        verdict: 'INVALID',
        httpStatus: 200,
        problems: ['the answer is not JSON'],
        responseBody: '<html>Welcome to nginx!</html>',
      });
    });

    it('an HTTP 500 is INVALID: VK expects HTTP 200', async () => {
      await setUrl(OLD_APP, `${peer.url}/fails`);
      const result = await check(OLD_APP);
      expect(result).toMatchObject({ ok: false, verdict: 'INVALID', httpStatus: 500, responseBody: 'Internal Server Error' });
      expect(result.problems[0]).toMatch(/^HTTP 500: VK expects HTTP 200/);
    });

    it('a closed port is UNREACHABLE, in words that carry no system error text', async () => {
      await setUrl(OLD_APP, `http://127.0.0.1:${await closedPort()}/vk/payments`);
      const result = await check(OLD_APP);
      expect(result).toMatchObject({ ok: false, verdict: 'UNREACHABLE', httpStatus: null, responseBody: null, errorCode: null });
      expect(result.problems).toEqual([
        'could not connect to the URL (no HTTP answer within 10 s): VK gives up after 10 s and retries later (docs/protocol.md §1)',
      ]);
    });
  });

  describe('who may do what', () => {
    it('a PAYMENTS_ADMIN edits settings, testers and checks the URL, but may not rotate the secret or edit the app', async () => {
      expect((await setUrl(OLD_APP, 'https://payments-admin.example.com/vk', tokens.payments)).errors).toBeUndefined();
      expect((await gql(TESTERS, { vkAppId: OLD_APP }, tokens.payments)).errors).toBeUndefined();
      expect((await gql(REMOVE_TESTER, { vkAppId: OLD_APP, vkUserId: 12345 }, tokens.payments)).errors).toBeUndefined();
      expect((await failure(ROTATE, { vkAppId: OLD_APP, secretKey: 'Another-key-0005' }, tokens.payments)).extensions?.code).toBe(
        'FORBIDDEN',
      );
      expect((await failure(UPDATE_APP, { vkAppId: OLD_APP, input: { name: 'Renamed' } }, tokens.payments)).extensions?.code).toBe(
        'FORBIDDEN',
      );
      expect((await settingsOf(OLD_APP)).secretKeyHint).toBe('••••XyZw');
    });

    it.each([
      ['updatePaymentSettings', UPDATE_SETTINGS, { input: { notificationUrl: 'https://viewer.example.com/vk' } }],
      ['paymentTesters', TESTERS, {}],
      ['addPaymentTester', ADD_TESTER, { vkUserId: 42 }],
      ['removePaymentTester', REMOVE_TESTER, { vkUserId: 501 }],
      ['checkNotificationUrl', CHECK, {}],
      ['rotateAppSecret', ROTATE, { secretKey: 'Another-key-0005' }],
      ['updateApp', UPDATE_APP, { input: { name: 'Renamed' } }],
      ['app settings', SETTINGS, {}],
    ])('a VIEWER is FORBIDDEN %s', async (_op, query, vars) => {
      const error = await failure(query, { vkAppId: OLD_APP, ...vars }, tokens.viewer);
      expect(error.extensions?.code).toBe('FORBIDDEN');
    });

    it("another app's creator is FORBIDDEN this app's settings and secret", async () => {
      expect((await failure(ROTATE, { vkAppId: OLD_APP, secretKey: 'Another-key-0005' }, tokens.otherApp)).extensions?.code).toBe(
        'FORBIDDEN',
      );
      expect((await failure(UPDATE_SETTINGS, { vkAppId: OLD_APP, input: { apiVersion: '5.131' } }, tokens.otherApp)).extensions?.code).toBe(
        'FORBIDDEN',
      );
    });

    it('an ADMIN may rotate the secret and rename the app', async () => {
      const rotated = await data<{ rotateAppSecret: { settings: Settings } }>(
        ROTATE,
        { vkAppId: OLD_APP, secretKey: 'AdminRotated-0006-yz12' },
        tokens.admin,
      );
      expect(rotated.rotateAppSecret.settings).toMatchObject({ secretKeyHint: '••••yz12', previousSecretKeyHint: '••••XyZw' });
      expect(
        (await data<{ updateApp: { name: string } }>(UPDATE_APP, { vkAppId: OLD_APP, input: { name: 'Renamed' } }, tokens.admin)).updateApp
          .name,
      ).toBe('Renamed');
      // The old key still verifies during the default 24-hour overlap.
      expect((await getItem(OLD_APP, SECRET)).json).toHaveProperty('response');
    });
  });

  describe('the audit trail', () => {
    it('records each change with its actor and before/after values', async () => {
      const events = await auditOf(OLD_APP);
      const of = (action: string) => events.filter((e) => e.action === action);

      expect(of('settings.update')).toContainEqual({
        action: 'settings.update',
        actor: 'root (VKP_ADMIN_TOKEN)',
        target: null,
        before: { apiVersion: '5.132' },
        after: { apiVersion: '5.131' },
      });
      expect(of('settings.update')).toContainEqual(
        expect.objectContaining({
          actor: 'key 2 "PAYMENTS_ADMIN key" (PAYMENTS_ADMIN)',
          after: { notificationUrl: 'https://payments-admin.example.com/vk' },
        }),
      );
      // Adding 501 twice recorded one event; removing an absent tester recorded none.
      expect(
        of('tester.add')
          .map((e) => e.target)
          .sort(),
      ).toEqual(['501', '502']);
      expect(of('tester.add').find((e) => e.target === '501')).toMatchObject({
        actor: 'key 2 "PAYMENTS_ADMIN key" (PAYMENTS_ADMIN)',
        after: { vkUserId: 501 },
      });
      expect(of('tester.remove')).toEqual([
        expect.objectContaining({
          target: '502',
          actor: 'root (VKP_ADMIN_TOKEN)',
          before: expect.objectContaining({ vkUserId: 502 }) as object,
        }) as object,
      ]);
      expect(of('secret.rotate')).toEqual([
        expect.objectContaining({
          actor: 'key 1 "ADMIN key" (ADMIN)',
          before: { secretKeyHint: '••••XyZw', previousSecretKeyHint: null, previousSecretExpiresAt: null },
          after: expect.objectContaining({ secretKeyHint: '••••yz12', previousSecretKeyHint: '••••XyZw', overlapHours: 24 }) as object,
        }),
      ]);
      expect(of('app.update')).toEqual([expect.objectContaining({ before: { name: `App ${OLD_APP}` }, after: { name: 'Renamed' } })]);
      expect(of('app.create')).toEqual([
        expect.objectContaining({
          actor: 'root (VKP_ADMIN_TOKEN)',
          target: String(OLD_APP),
          after: expect.objectContaining({ name: `App ${OLD_APP}`, secretKeyHint: '••••XyZw' }) as object,
        }) as object,
      ]);

      const rotations = (await auditOf(ROTATE_APP)).filter((e) => e.action === 'secret.rotate');
      expect(rotations.map((e) => e.after?.secretKeyHint)).toEqual(['••••uvwx', '••••qrst']);
    });

    it('no GraphQL answer of this suite ever contained a secret', () => {
      expect(answers.length).toBeGreaterThan(50);
      for (const answer of answers) for (const secret of [...ALL_SECRETS, 'AdminRotated-0006-yz12']) expect(answer).not.toContain(secret);
    });
  });
});
