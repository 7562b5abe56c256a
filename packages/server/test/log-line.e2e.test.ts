/**
 * The server writes its log asynchronously (cli/log-stream.ts): under load the lines wait in a buffer.
 * A SIGTERM right after a burst must still leave every notification's line in the output.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIALECT, freshDatabase, ROOT_TOKEN, SECRET, signed, type TestDatabase } from './helpers.js';
import { startServerProcess, type ServerProcess } from './processes.js';

const APP = 63001;
/** More lines than a pipe holds (64 KiB), so most of them wait in the server's buffer. */
const NOTIFICATIONS = 600;

async function gql(url: string, query: string): Promise<void> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT_TOKEN}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

describe('the per-notification log line', () => {
  let db: TestDatabase;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.kill('SIGKILL');
    await db?.drop();
  });

  it('is in the output for every notification answered before a SIGTERM, even while stdout was not being read', async () => {
    db = await freshDatabase(DEFAULT_DIALECT);
    server = await startServerProcess(db.database, { VKP_ADMIN_TOKEN: ROOT_TOKEN, VKP_RATE_LIMIT: '0' });
    await gql(server.url, `mutation { createApp(input: {vkAppId: ${APP}, name: "Lines", secretKey: "${SECRET}"}) { vkAppId } }`);
    await gql(
      server.url,
      `mutation { upsertCatalogItem(vkAppId: ${APP}, input: {itemId: "gem_pack", title: "Gem pack", price: 10}) { itemId } }`,
    );

    // Nobody reads the server's stdout during the burst: its lines pile up in the server's buffer.
    server.child.stdout!.pause();
    const orderIds = Array.from({ length: NOTIFICATIONS }, (_, i) => String(900_000 + i));
    const url = server.url;
    const queue = [...orderIds];
    const answered: string[] = [];
    const worker = async (): Promise<void> => {
      for (let orderId = queue.shift(); orderId !== undefined; orderId = queue.shift()) {
        const body = new URLSearchParams(
          signed({ app_id: APP, item: 'gem_pack', notification_type: 'get_item', order_id: orderId, user_id: 7, lang: 'ru_RU' }, SECRET),
        );
        const answer = (await (await fetch(`${url}/vk/payments`, { method: 'POST', body })).json()) as { response?: unknown };
        if (answer.response) answered.push(orderId);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(answered).toHaveLength(NOTIFICATIONS);

    server.child.kill('SIGTERM');
    server.child.stdout!.resume();
    expect(await server.exited).toBe(0);

    const logged = new Set(
      server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{') && line.includes('"msg":"notification"'))
        .map((line) => String((JSON.parse(line) as { orderId: string }).orderId)),
    );
    expect(orderIds.filter((id) => !logged.has(id))).toEqual([]);
  });
});
