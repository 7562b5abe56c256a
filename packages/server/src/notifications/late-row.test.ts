/**
 * A notification whose log row was still waiting to be written when the deadline passed: VK got error 2,
 * so the row — in the database and as the live log streams it — says error 2, never the answer the
 * processing came to. The real store on a real database; the row's write is held past the deadline.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKey, DIALECTS, migratedOrm, NO_WAIT, SECRET, signed, type Dialect, type MigratedOrm } from '../../test/helpers.js';
import { App } from '../apps/app.entity.js';
import { CatalogItem } from '../catalog/catalog-item.entity.js';
import { LATE_BODY, NOTIFICATION_DEADLINE_MS } from './deadline.js';
import { pendingLogRows } from './pending-logs.js';
import { notificationProcessor } from './route.js';
import { createSqlStore, type EndpointStore, type LoggedEntry } from './sql-store.js';

const VK_APP_ID = 4343001;

describe.each(DIALECTS)('a log row that turns late while it waits, on %s', (dialect: Dialect) => {
  let db: MigratedOrm;
  beforeAll(async () => {
    db = await migratedOrm(dialect);
    const em = db.orm.em.fork();
    const app = em.create(App, { vkAppId: VK_APP_ID, name: 'Late', ...appKey(VK_APP_ID) });
    em.create(CatalogItem, { app, itemId: 'gem', title: 'Gem', price: 5 });
    await em.flush();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('is streamed to the live log and stored with the error 2 VK got', async () => {
    const published: LoggedEntry[] = [];
    const real = createSqlStore(db.sql(), db.secrets, { queued: () => {}, logged: (rows) => published.push(...rows) });
    // The real store, its log write held until the deadline has passed (as behind a slow group commit).
    const held: Promise<unknown>[] = [];
    const store: EndpointStore = {
      ...real,
      writeLog: (e) => {
        const write = new Promise((r) => setTimeout(r, NOTIFICATION_DEADLINE_MS + 300)).then(() => real.writeLog(e));
        held.push(write);
        return write;
      },
    };
    const { process } = notificationProcessor({ store, fulfilment: NO_WAIT, pendingLogs: pendingLogRows((entry) => real.writeLog(entry)) });
    const answer = await process(
      new URLSearchParams(
        signed({ app_id: VK_APP_ID, item: 'gem', notification_type: 'get_item', user_id: 1, order_id: 1, version: '5.132' }, SECRET),
      ).toString(),
      Fastify().log,
    );
    expect(answer.body).toBe(LATE_BODY);
    expect(held).toHaveLength(1);
    await held[0]; // the held write has committed
    expect(published.map((p) => [p.entry.response, p.entry.errorCode])).toEqual([[LATE_BODY, 2]]);
    const rows = await db.sql().all('select response, error_code from notification_logs');
    expect(rows.map((r) => [r.response, Number(r.error_code)])).toEqual([[LATE_BODY, 2]]);
  }, 15_000);
});
