/**
 * A NUL character (`%00`) anywhere in a body: PostgreSQL refuses U+0000 in text and jsonb, SQLite keeps
 * it. Anyone can send one (unverified rows are logged within their budget), so it must cost nothing:
 * over real HTTP and a real database, every such request gets its answer and its log row at once — NULs
 * stored as U+FFFD alike on both stores, the request marked as altered — and the genuine notifications
 * that share its group commit are answered and logged as always.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationLog } from '../src/logs/notification-log.entity.js';
import { DIALECTS, SECRET, signed, startTestServer, type Dialect, type TestServer } from './helpers.js';

const APP = 62001;
const NUL = '\u0000';

const getItem = (extra: Record<string, string | number> = {}) =>
  signed({ app_id: APP, item: 'gem', notification_type: 'get_item', user_id: 42, order_id: 1, version: '5.132', ...extra });
const chargeable = (orderId: string, extra: Record<string, string | number> = {}) =>
  signed({
    app_id: APP,
    item: 'gem',
    item_price: 5,
    notification_type: 'order_status_change',
    order_id: orderId,
    status: 'chargeable',
    user_id: 7,
    version: '5.132',
    ...extra,
  });
const unsigned = (fields: Record<string, string>) => ({ ...fields, sig: '0'.repeat(32) });

/** Bodies with a NUL in a value, a name, the type, the ids: signed (logged whole) and unsigned (logged bounded). */
const POISON: Record<string, Record<string, string>> = {
  'signed, in the item': getItem({ item: `gem${NUL}` }),
  'signed, in the order id': chargeable(`9${NUL}1`),
  'signed, in the type': getItem({ notification_type: `get_item${NUL}` }),
  'signed, in a field name': getItem({ [`x${NUL}y`]: 'z' }),
  'signed, in the subscription id': signed({
    app_id: APP,
    item: 'gem',
    notification_type: 'get_subscription',
    subscription_id: `5${NUL}`,
    user_id: 42,
    version: '5.132',
  }),
  'unsigned, in the type and the order id': unsigned({
    app_id: String(APP),
    notification_type: `order_status_change${NUL}`,
    order_id: `1${NUL}`,
    user_id: '7',
  }),
  'unsigned, in a field name': unsigned({ app_id: String(APP), notification_type: 'get_item', [`${NUL}`]: NUL }),
  'unknown app, in everything': unsigned({ app_id: '62999', notification_type: NUL, order_id: NUL, subscription_id: NUL }),
};

describe.each(DIALECTS)('NUL characters in notifications on %s', (dialect: Dialect) => {
  let t: TestServer;
  const rows = () => t.server.orm.em.fork().find(NotificationLog, {}, { orderBy: { id: 'asc' } });

  beforeAll(async () => {
    t = await startTestServer(dialect);
    await t.gql(`mutation { createApp(input: {vkAppId: ${APP}, name: "NUL", secretKey: "${SECRET}"}) { vkAppId } }`);
    await t.gql(`mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('every body with a NUL, signed or not, and the payments sent with it are answered and logged at once', async () => {
    const before = (await rows()).length;
    const poison = Object.values(POISON);
    const genuine = Array.from({ length: 5 }, (_, i) => chargeable(String(700 + i)));
    // All at once: they share group commits, where one refused row used to fail its neighbours' statement.
    const answers = await Promise.all([...poison, ...genuine].map((body) => t.notify(body)));
    for (const a of answers) expect(a.status).toBe(200);
    for (const a of answers.slice(poison.length))
      expect(a.json).toMatchObject({ response: { app_order_id: expect.any(Number) as number } });
    // Answered only after its row committed: each row is there now, none waits in memory for a retry.
    const logged = (await rows()).slice(before);
    expect(logged).toHaveLength(poison.length + genuine.length);
    for (const id of ['700', '701', '702', '703', '704'])
      expect(logged.filter((r) => r.orderId === id && r.errorCode === null)).toHaveLength(1);
  });

  it.each(Object.entries(POISON))('%s: stored alike on both stores, NULs as U+FFFD, the request marked as altered', async (_what, body) => {
    const before = (await rows()).length;
    const answer = await t.notify(body);
    expect(answer.status).toBe(200);
    const [row] = (await rows()).slice(before);
    expect(row).toBeDefined();
    // The answer is JSON text: a NUL it quotes is the escape `\u0000`, as it went on the wire.
    const texts = [row!.rawType, row!.orderId, row!.subscriptionId, JSON.stringify(row!.request), row!.response, row!.warning];
    expect(texts.filter((v) => v?.includes(NUL) || (v?.includes('\\u0000') && v !== row!.response))).toEqual([]);
    expect(JSON.stringify(row!.request)).toContain('\uFFFD');
    expect(row!.request._truncated).toMatchObject({ note: expect.stringContaining('U+0000') as string });
  });

  it('replay refuses a row whose request was altered, and says why', async () => {
    const before = (await rows()).length;
    await t.notify(POISON['signed, in the item']!);
    const [row] = (await rows()).slice(before);
    const replay = await t.gql(`query { replayNotification(logId: ${row!.id}) { same } }`);
    expect(replay.errors?.[0]).toMatchObject({
      message: expect.stringContaining('U+0000') as string,
      extensions: { code: 'BAD_USER_INPUT', field: 'logId' },
    });
  });
});
