import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationLog } from '../src/logs/notification-log.entity.js';
import { Transaction } from '../src/orders/transaction.entity.js';
import { DIALECTS, SECRET, signed, startTestServer, type Dialect, type GqlResult, type TestServer } from './helpers.js';

const VK_APP_ID = 1524456;
/** A second app, so paging counts only its own rows. */
const PAGING_APP_ID = 2200;
const PAGING_SECRET = 'PagingSecret-0123';

type Fields = Record<string, string | number>;

const CREATE_APP = `mutation ($input: CreateAppInput!) { createApp(input: $input) { vkAppId name settings { secretKeyHint } } }`;
const UPSERT_ITEM = `mutation ($vkAppId: Int!, $input: CatalogItemInput!) { upsertCatalogItem(vkAppId: $vkAppId, input: $input) { itemId title price } }`;
const TRANSACTIONS = `query ($vkAppId: Int!, $first: Int, $after: String, $filter: TransactionFilter) {
  transactions(vkAppId: $vkAppId, first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { orderId appOrderId status test price } }
  }
}`;
const LOGS_FOR_ORDER = `query ($vkAppId: Int!, $orderId: String!) {
  notificationLogs(vkAppId: $vkAppId, filter: { orderId: $orderId }) {
    totalCount edges { node { rawType notificationType ok errorCode signatureValid signedWith warning request response durationMs } }
  }
}`;

interface TransactionNode {
  orderId: string;
  appOrderId: number;
  status: string;
  test: boolean;
  price: number;
}
interface TransactionsData {
  transactions: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: TransactionNode }[] };
}
interface LogsData {
  notificationLogs: { totalCount: number; edges: { node: Record<string, unknown> }[] };
}

/** Posts without any content-type header (fetch always adds one to a string body). */
function postWithoutContentType(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let nextId = 5_000_000;
const freshId = (): string => String(nextId++);

describe.each(DIALECTS)('notification endpoint and GraphQL over HTTP on %s', (dialect: Dialect) => {
  let t: TestServer;
  /** Every GraphQL answer of this suite, as text, to check that none ever shows the secret. */
  const gqlAnswers: string[] = [];

  async function gql<T>(query: string, variables: Record<string, unknown> = {}, token?: string | null): Promise<GqlResult<T>> {
    const result = await (token === undefined ? t.gql<T>(query, variables) : t.gql<T>(query, variables, token));
    gqlAnswers.push(JSON.stringify(result));
    return result;
  }
  async function gqlData<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await gql<T>(query, variables);
    expect(result.errors).toBeUndefined();
    return result.data!;
  }
  async function gqlError(query: string, variables: Record<string, unknown> = {}, token?: string | null) {
    const result = await gql(query, variables, token);
    expect(result.errors).toHaveLength(1);
    return result.errors![0]!;
  }

  async function createAppWithItem(vkAppId: number, secretKey: string): Promise<void> {
    await gqlData(CREATE_APP, { input: { vkAppId, name: `App ${vkAppId}`, secretKey } });
    await gqlData(UPSERT_ITEM, { vkAppId, input: { itemId: 'gem_pack', title: 'Gem pack', price: 24 } });
  }

  const purchase = (orderId: string, overrides: Fields = {}): Fields => ({
    app_id: VK_APP_ID,
    user_id: 501,
    version: '5.132',
    notification_type: 'order_status_change',
    status: 'chargeable',
    order_id: orderId,
    item: 'gem_pack',
    item_id: 'gem_pack',
    item_title: 'Gem pack',
    item_price: 24,
    receiver_id: 501,
    date: 1777636800,
    ...overrides,
  });
  const buy = (orderId: string, overrides: Fields = {}, secret = SECRET) => t.notify(signed(purchase(orderId, overrides), secret));
  const getItemBody = () =>
    new URLSearchParams(
      signed({ app_id: VK_APP_ID, user_id: 501, version: '5.132', notification_type: 'get_item', item: 'gem_pack' }),
    ).toString();

  const logCount = () => t.server.orm.em.fork().count(NotificationLog, {});
  const transactionCount = (orderId: string) => t.server.orm.em.fork().count(Transaction, { orderId });
  const logsForOrder = async (orderId: string) =>
    (await gqlData<LogsData>(LOGS_FOR_ORDER, { vkAppId: VK_APP_ID, orderId })).notificationLogs.edges.map((e) => e.node);

  beforeAll(async () => {
    t = await startTestServer(dialect);
    await createAppWithItem(VK_APP_ID, SECRET);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('POST /vk/payments', () => {
    it('a signed purchase answers 200 JSON and shows up in transactions and notificationLogs', async () => {
      const orderId = freshId();
      const res = await buy(orderId);
      expect(res.status).toBe(200);
      expect(res.contentType).toBe('application/json; charset=utf-8');
      expect(res.text).toMatch(new RegExp(`^\\{"response":\\{"order_id":${orderId},"app_order_id":\\d+\\}\\}$`));
      const appOrderId = (res.json as { response: { app_order_id: number } }).response.app_order_id;

      const { transactions } = await gqlData<TransactionsData>(TRANSACTIONS, { vkAppId: VK_APP_ID, first: 100 });
      expect(transactions.edges.map((e) => e.node)).toContainEqual({ orderId, appOrderId, status: 'CHARGEABLE', test: false, price: 24 });

      const logs = await logsForOrder(orderId);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({
        rawType: 'order_status_change',
        notificationType: 'ORDER_STATUS_CHANGE',
        ok: true,
        errorCode: null,
        signatureValid: true,
        signedWith: 'current',
        warning: null,
        request: { order_id: orderId, item: 'gem_pack', sig: expect.stringMatching(/^[0-9a-f]{32}$/) as string },
        response: res.json,
      });
      expect(logs[0]!.durationMs).toEqual(expect.any(Number));
      expect(logs[0]!.durationMs as number).toBeGreaterThanOrEqual(0);
    });

    it('a bad signature is answered error 10 over HTTP 200 and logged with signatureValid false', async () => {
      const orderId = freshId();
      const res = await buy(orderId, {}, 'not-the-secret-000');
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ error: { error_code: 10, critical: true } });
      expect(await transactionCount(orderId)).toBe(0);
      const logs = await logsForOrder(orderId);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({
        ok: false,
        errorCode: 10,
        signatureValid: false,
        signedWith: null,
        warning: null,
        response: res.json,
      });
    });

    it('a 100 KB body is answered error 11 over HTTP 200 and still logged', async () => {
      const before = await logCount();
      const res = await t.notify(`${getItemBody()}&padding=${'x'.repeat(100 * 1024)}`);
      expect(res.status).toBe(200);
      expect(res.contentType).toBe('application/json; charset=utf-8');
      expect(res.json).toMatchObject({ error: { error_code: 11, critical: true } });
      expect(await logCount()).toBe(before + 1);
      const [newest] = await t.server.orm.em.fork().find(NotificationLog, {}, { orderBy: { id: 'desc' }, limit: 1 });
      expect(newest).toMatchObject({ app: null, errorCode: 11, signatureValid: null });
    });

    it('a body sent as text/plain is still read as a form', async () => {
      const res = await t.notify(getItemBody(), 'text/plain');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ response: { title: 'Gem pack', price: 24, item_id: 'gem_pack' } });
    });

    it('a body sent without a content-type is still read as a form', async () => {
      const res = await postWithoutContentType(`${t.url}/vk/payments`, getItemBody());
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual({ response: { title: 'Gem pack', price: 24, item_id: 'gem_pack' } });
    });

    it('25 concurrent identical purchases record one transaction and get identical bodies', async () => {
      const orderId = freshId();
      const answers = await Promise.all(Array.from({ length: 25 }, () => buy(orderId)));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(new Set(answers.map((a) => a.text)).size).toBe(1);
      expect(answers[0]!.text).toContain('"app_order_id"');
      expect(await transactionCount(orderId)).toBe(1);
    });
  });

  describe('GraphQL errors', () => {
    it('answers UNAUTHENTICATED without a token', async () => {
      expect((await gqlError('{ apps { vkAppId } }', {}, null)).extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('answers UNAUTHENTICATED with a wrong token', async () => {
      expect((await gqlError('{ apps { vkAppId } }', {}, 'wrong-token-0123456789')).extensions?.code).toBe('UNAUTHENTICATED');
    });

    it.each([
      ['price', { price: 0 }],
      ['title', { title: 'x'.repeat(49) }],
      ['discount', { price: 10, discount: 10 }],
      ['expiration', { expiration: 5 }],
    ])('upsertCatalogItem refuses a bad %s as BAD_USER_INPUT naming the field', async (field, change) => {
      const input = { itemId: 'bad_item', title: 'Bad item', price: 10, ...change };
      const error = await gqlError(UPSERT_ITEM, { vkAppId: VK_APP_ID, input });
      expect(error.extensions?.code).toBe('BAD_USER_INPUT');
      expect(error.message).toMatch(new RegExp(`^${field}:`));
      expect(error.extensions?.field).toBe(field);
    });

    it('answers NOT_FOUND for an app that does not exist', async () => {
      expect((await gqlError('{ app(vkAppId: 999) { vkAppId } }')).extensions?.code).toBe('NOT_FOUND');
    });

    it('answers CONFLICT for a second createApp with the same vkAppId', async () => {
      const error = await gqlError(CREATE_APP, { input: { vkAppId: VK_APP_ID, name: 'Again', secretKey: 'AnotherSecret-99' } });
      expect(error.extensions?.code).toBe('CONFLICT');
    });
  });

  describe('transactions listing', () => {
    /** app_order_ids of the paging app's payments, oldest first: three real, two test. */
    const recorded: number[] = [];

    beforeAll(async () => {
      await createAppWithItem(PAGING_APP_ID, PAGING_SECRET);
      for (const test of [false, true, false, false, true]) {
        const type = test ? 'order_status_change_test' : 'order_status_change';
        const res = await buy(freshId(), { app_id: PAGING_APP_ID, notification_type: type }, PAGING_SECRET);
        recorded.push((res.json as { response: { app_order_id: number } }).response.app_order_id);
      }
    });

    it('cursor paging over transactions returns every row exactly once with hasNextPage and totalCount', async () => {
      const seen: number[] = [];
      const pages: { size: number; hasNextPage: boolean; totalCount: number }[] = [];
      let after: string | null = null;
      do {
        const { transactions }: TransactionsData = await gqlData<TransactionsData>(TRANSACTIONS, {
          vkAppId: PAGING_APP_ID,
          first: 2,
          after,
        });
        seen.push(...transactions.edges.map((e) => e.node.appOrderId));
        pages.push({
          size: transactions.edges.length,
          hasNextPage: transactions.pageInfo.hasNextPage,
          totalCount: transactions.totalCount,
        });
        after = transactions.pageInfo.hasNextPage ? transactions.pageInfo.endCursor : null;
      } while (after && pages.length < 10);

      expect(pages).toEqual([
        { size: 2, hasNextPage: true, totalCount: 5 },
        { size: 2, hasNextPage: true, totalCount: 5 },
        { size: 1, hasNextPage: false, totalCount: 5 },
      ]);
      expect(seen).toEqual([...recorded].reverse());
    });

    it('transactions filtered by test: false leave out test payments', async () => {
      const { transactions } = await gqlData<TransactionsData>(TRANSACTIONS, { vkAppId: PAGING_APP_ID, filter: { test: false } });
      expect(transactions.totalCount).toBe(3);
      expect(transactions.edges.map((e) => e.node.test)).toEqual([false, false, false]);
    });
  });

  describe('the secret', () => {
    it('settings show only a hint of the secret, and no GraphQL answer ever contains the secret', async () => {
      const data = await gqlData<{ app: { settings: { secretKeyHint: string } } }>(
        `query ($vkAppId: Int!) {
          app(vkAppId: $vkAppId) { vkAppId name apiVersion settings { secretKeyHint previousSecretKeyHint apiVersion notificationUrl endpointUrl } }
          apps { vkAppId name settings { secretKeyHint } }
          notificationLogs(vkAppId: $vkAppId, first: 100) { edges { node { request response } } }
        }`,
        { vkAppId: VK_APP_ID },
      );
      expect(data.app.settings.secretKeyHint).toBe('••••XyZw');
      expect(gqlAnswers.length).toBeGreaterThanOrEqual(3);
      for (const answer of gqlAnswers) {
        expect(answer).not.toContain(SECRET);
        expect(answer).not.toContain(PAGING_SECRET);
      }
    });
  });

  describe('probes', () => {
    it('/healthz answers 200', async () => {
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    });

    it('/readyz answers 200 ready when the database is reachable', async () => {
      const res = await fetch(`${t.url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready' });
    });
  });
});
