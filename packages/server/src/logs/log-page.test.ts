/**
 * The `notificationLogs` page read in plain SQL answers exactly what the ORM read: the same rows for
 * every filter, in the same order, page after page, with the same values and count; and it costs two
 * statements, one for the app. The expected rows are the ORM's own hydrated entities, filtered here by the filter's meaning.
 */
import type { RequiredEntityData } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKey, DIALECTS, migratedOrm, type MigratedOrm } from '../../test/helpers.js';
import { App } from '../apps/app.entity.js';
import type { Orm } from '../db/orm.js';
import { matchesLogFilter, type LogFilter } from './logs.service.js';
import { logPage } from './log-page.js';
import { NotificationLog } from './notification-log.entity.js';

const A = 501;
const B = 502;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const KINDS = ['get_item', 'order_status_change', 'get_subscription', 'subscription_status_change', null] as const;

/** What GraphQL can show of a row (the app relation is not a field). */
const shown = (l: NotificationLog) => ({
  id: l.id,
  vkAppId: l.vkAppId,
  receivedAt: l.receivedAt,
  rawType: l.rawType,
  notificationType: l.notificationType,
  test: l.test,
  vkUserId: l.vkUserId,
  orderId: l.orderId,
  subscriptionId: l.subscriptionId,
  request: l.request,
  response: l.response,
  errorCode: l.errorCode,
  signatureValid: l.signatureValid,
  signedWith: l.signedWith,
  warning: l.warning,
  durationMs: l.durationMs,
});

/** The filter's meaning, written out once more (the API's description of each field). */
function matches(l: NotificationLog, f: LogFilter): boolean {
  return (
    (!f.types?.length || (l.notificationType !== null && f.types.includes(l.notificationType))) &&
    (f.test == null || l.test === f.test) &&
    (f.errorCode != null ? l.errorCode === f.errorCode : f.ok == null || (l.errorCode === null) === f.ok) &&
    (f.warning == null || (l.warning !== null) === f.warning) &&
    (f.vkUserId == null || l.vkUserId === f.vkUserId) &&
    (f.orderId == null || l.orderId === f.orderId) &&
    (f.from == null || l.receivedAt >= f.from) &&
    (f.to == null || l.receivedAt < f.to)
  );
}

const FILTERS: [string, LogFilter][] = [
  ['no filter', {}],
  ["failed order notifications (the README's example)", { types: ['order_status_change'], ok: false }],
  ['two kinds', { types: ['get_item', 'get_subscription'] }],
  ['successes', { ok: true }],
  ['one error code, which outranks ok', { errorCode: 20, ok: true }],
  ['test notifications', { test: true }],
  ['live notifications with a warning', { test: false, warning: true }],
  ['no warning', { warning: false }],
  ['one user', { vkUserId: 1003 }],
  ['one order', { orderId: 'order-7' }],
  ['a time range, from inclusive, to exclusive', { from: new Date(T0 + 12 * 60_000), to: new Date(T0 + 30 * 60_000) }],
  ['nothing matches', { vkUserId: 99 }],
];

describe.each(DIALECTS)('the notificationLogs page on %s', (dialect) => {
  let db: MigratedOrm;
  let orm: Orm;
  let logsOfA: NotificationLog[];

  beforeAll(async () => {
    db = await migratedOrm(dialect);
    orm = db.orm;
    const em = orm.em.fork();
    const a = em.create(App, { vkAppId: A, name: 'Logs', ...appKey(A) });
    const b = em.create(App, { vkAppId: B, name: 'Other', ...appKey(B) });
    await em.flush();
    const row = (app: App | null, i: number): RequiredEntityData<NotificationLog> => ({
      app: app?.id ?? null,
      vkAppId: app?.vkAppId ?? 777,
      receivedAt: new Date(T0 + i * 60_000),
      rawType: KINDS[i % 5] ?? `weird_${i}`,
      notificationType: KINDS[i % 5] ?? null,
      test: i % 3 === 0,
      vkUserId: i % 7 === 6 ? null : 1000 + (i % 4),
      orderId: i % 2 ? `order-${i}` : null,
      subscriptionId: i % 5 === 2 ? `sub-${i}` : null,
      request: { notification_type: KINDS[i % 5], item: `gem_${i}`, nested: { n: i, big: '18446744073709551615' }, sig: 'x' },
      response: i % 4 === 1 ? '{"error":{"error_code":20,"critical":true}}' : `{"response":{"order_id":${i}}}`,
      errorCode: i % 4 === 1 ? 20 : i % 9 === 0 ? 11 : null,
      signatureValid: i % 8 === 7 ? null : i % 10 !== 4,
      signedWith: i % 6 === 5 ? 'previous' : i % 10 === 4 ? null : 'current',
      warning: i % 5 === 3 ? 'a _test notification from a user who is not a payment tester' : null,
      durationMs: 1.25 + i / 8,
    });
    // Rows of the two apps interleaved, and of no app, so that the page must pick its app's out.
    const rows = Array.from({ length: 45 }, (_, i) => row(i % 9 === 4 ? b : i % 11 === 10 ? null : a, i));
    await em.insertMany(NotificationLog, rows);
    logsOfA = await orm.em.fork().find(NotificationLog, { app: a.id }, { orderBy: { id: 'desc' } });
  });
  afterAll(() => db?.close());

  it.each(FILTERS)('%s: the same rows, page after page, with the same values and count', async (_name, filter) => {
    const expected = logsOfA.filter((l) => matches(l, filter));
    const seen: NotificationLog[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages++) {
      const page = await logPage(orm.em.fork(), { vkAppId: A, filter, page: { first: 7, after }, withCount: true });
      seen.push(...page.edges.map((e) => e.node));
      expect(await page.count()).toBe(expected.length);
      expect(page.pageInfo.hasNextPage).toBe(seen.length < expected.length);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
      expect(pages).toBeLessThan(10);
    }
    expect(seen.map(shown)).toEqual(expected.map(shown));
  });

  it.each(FILTERS)('%s: the live tail (notificationLogged) lets through exactly the rows the page lists', async (_name, filter) => {
    const page = await logPage(orm.em.fork(), { vkAppId: A, filter, page: { first: 100 }, withCount: false });
    expect(logsOfA.filter((l) => matchesLogFilter(l, filter)).map((l) => l.id)).toEqual(page.edges.map((e) => e.node.id));
  });

  it('counts when asked after the page (totalCount not selected up front)', async () => {
    const filter: LogFilter = { types: ['order_status_change'], ok: false };
    const page = await logPage(orm.em.fork(), { vkAppId: A, filter, page: { first: 2 }, withCount: false });
    expect(await page.count()).toBe(logsOfA.filter((l) => matches(l, filter)).length);
  });

  it('counts after the last page (an empty page beyond a cursor)', async () => {
    const oldest = logsOfA.at(-1)!;
    const page = await logPage(orm.em.fork(), {
      vkAppId: A,
      filter: {},
      page: { first: 5, after: Buffer.from(`id:${oldest.id}`).toString('base64url') },
      withCount: true,
    });
    expect([page.edges.length, await page.count()]).toEqual([0, logsOfA.length]);
  });

  it('answers NOT_FOUND for an app that does not exist, before judging the page size or cursor', async () => {
    for (const page of [{ first: 20 }, { first: 0 }, { after: 'not-a-cursor' }]) {
      await expect(logPage(orm.em.fork(), { vkAppId: 9_999, filter: {}, page, withCount: true })).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
    }
    await expect(logPage(orm.em.fork(), { vkAppId: A, filter: {}, page: { first: 101 }, withCount: true })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
  });

  it("reads the app's id, then the page and its count in one statement", async () => {
    const knex = (
      orm.em.getConnection() as unknown as {
        getKnex(): { on(e: 'query', l: (q: { sql: string }) => void): void; off(e: 'query', l: (q: { sql: string }) => void): void };
      }
    ).getKnex();
    const statements: string[] = [];
    const listen = (q: { sql: string }) => statements.push(q.sql);
    knex.on('query', listen);
    try {
      const page = await logPage(orm.em.fork(), {
        vkAppId: A,
        filter: { types: ['order_status_change'], ok: false },
        page: { first: 20 },
        withCount: true,
      });
      await page.count();
    } finally {
      knex.off('query', listen);
    }
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/from apps/);
    expect(statements[1]).toMatch(/count\(\*\)/);
  });
});
