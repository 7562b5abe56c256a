import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKey, DIALECTS, migratedOrm, until } from '../../test/helpers.js';
import { App } from '../apps/app.entity.js';
import type { Orm } from '../db/orm.js';
import { scheduleRetention } from '../logs/retention.js';
import { purgeExpiredSessions } from './session-retention.js';
import { WidgetSession } from './widget-session.entity.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const hoursAgo = (h: number, from = NOW): Date => new Date(from.getTime() - h * 3_600_000);

describe.each(DIALECTS)('widget session retention on %s', (dialect) => {
  let db: Awaited<ReturnType<typeof migratedOrm>>;
  let orm: Orm;
  let appId: number;

  beforeAll(async () => {
    db = await migratedOrm(dialect);
    orm = db.orm;
    const em = orm.em.fork();
    const app = em.create(App, { vkAppId: 1, name: 'Sessions', ...appKey(1) });
    await em.flush();
    appId = app.id;
  });
  afterAll(() => db?.close());

  it('deletes sessions expired (revoked or not) more than a day ago, in batches, and keeps the rest', async () => {
    const em = orm.em.fork();
    let n = 0;
    const session = (expiresAt: Date, revokedAt: Date | null = null) => ({
      app: appId,
      role: 'ADMIN',
      tokenHash: `hash-${n++}`,
      createdAt: hoursAgo(200),
      expiresAt,
      revokedAt,
    });
    await em.insertMany(
      WidgetSession,
      Array.from({ length: 2_100 }, (_, i) => session(hoursAgo(25 + (i % 100)), i % 3 ? null : hoursAgo(48))),
    );
    // Kept: expired less than a day ago (still answered "expired"), revoked but not yet a day past its expiry, live.
    const kept = [hoursAgo(23), hoursAgo(1), hoursAgo(-1)];
    await em.insertMany(WidgetSession, [session(kept[0]!), session(kept[1]!, hoursAgo(2)), session(kept[2]!)]);
    const knex = (
      orm.em.getConnection() as unknown as {
        getKnex(): { on(e: 'query', f: (q: { sql: string }) => void): void; off(e: 'query', f: (q: { sql: string }) => void): void };
      }
    ).getKnex();
    const deletes: string[] = [];
    const listen = (q: { sql: string }) => void (/^delete/i.test(q.sql) && deletes.push(q.sql));
    knex.on('query', listen);
    try {
      expect(await purgeExpiredSessions(orm, { batchSize: 1_000, pauseMs: 0, now: () => NOW })).toBe(2_100);
    } finally {
      knex.off('query', listen);
    }
    expect(deletes).toHaveLength(3); // 1,000 + 1,000 + 100: never one statement over the whole table
    const left = await orm.em.fork().find(WidgetSession, {}, { orderBy: { id: 'asc' } });
    expect(left.map((s) => s.expiresAt.getTime())).toEqual(kept.map((d) => d.getTime()));
    expect(await purgeExpiredSessions(orm, { pauseMs: 0, now: () => NOW })).toBe(0);
  });
});

describe('the hourly retention job', () => {
  it('purges expired widget sessions every round, as it purges the log', async () => {
    const db = await migratedOrm('sqlite');
    try {
      const em = db.orm.em.fork();
      const app = em.create(App, { vkAppId: 2, name: 'Sessions', ...appKey(2) });
      await em.flush();
      const now = new Date();
      await em.insert(WidgetSession, {
        app: app.id,
        role: 'VIEWER',
        tokenHash: 'old',
        createdAt: hoursAgo(50, now),
        expiresAt: hoursAgo(48, now),
      });
      await em.insert(WidgetSession, { app: app.id, role: 'VIEWER', tokenHash: 'live', createdAt: now, expiresAt: hoursAgo(-1, now) });
      const errors: unknown[] = [];
      const schedule = scheduleRetention(db.orm, { days: 90, unverifiedDays: 7 }, (err) => errors.push(err), 20);
      const sessions = async () => (await db.orm.em.fork().find(WidgetSession, {})).map((s) => s.tokenHash);
      await until('the expired session purged', async () => (await sessions()).length < 2);
      schedule.stop();
      expect(errors).toEqual([]);
      expect(await sessions()).toEqual(['live']);
    } finally {
      await db.close();
    }
  });
});
