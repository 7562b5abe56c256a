import type { EntityManager } from '@mikro-orm/core';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKey, DIALECTS, freshDatabase, type Dialect, type TestDatabase } from '../../test/helpers.js';
import { App } from '../apps/app.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import type { Principal } from '../access/permissions.js';
import { migrate, openOrm, type Orm } from '../db/orm.js';
import { ApiError } from '../graphql/errors.js';
import { NotificationLog } from '../logs/notification-log.entity.js';
import { PaymentTester } from '../settings/payment-tester.entity.js';
import { ModerationRequest } from './moderation-request.entity.js';
import {
  checkPreflight,
  decideRequest,
  findRequest,
  listRequests,
  moderationQueue,
  submitRequest,
  withdrawRequest,
  type ModerationRequestInputData,
} from './moderation.service.js';

const ROOT: Principal = { kind: 'root', keyId: null };
const MODERATOR: Principal = { kind: 'key', keyId: 90, label: 'platform moderator', role: 'MODERATOR', appId: null, vkAppId: null };
const adminOf = (app: App): Principal => ({
  kind: 'key',
  keyId: 10,
  label: 'payments team',
  role: 'PAYMENTS_ADMIN',
  appId: app.id,
  vkAppId: app.vkAppId,
});

const INPUT: ModerationRequestInputData = {
  platforms: ['WEB', 'IOS'],
  appDescription: 'A puzzle game with daily levels.',
  paidFeatures: 'Hint packs and an ad-free mode for votes.',
};

/** The API error `promise` rejects with, for asserting code, message and extensions. */
async function apiError(promise: Promise<unknown>): Promise<{ code: unknown; message: string; extensions: Record<string, unknown> }> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  const e = err as ApiError;
  return { code: e.extensions.code, message: e.message, extensions: e.extensions };
}

let nextVkAppId = 800_000;

const LIBSQL_PATH = createRequire(createRequire(import.meta.url).resolve('@mikro-orm/libsql')).resolve('libsql');
/** Another process: takes SQLite's write lock, files a pending request, holds the lock a moment, commits. */
const OTHER_WRITER = `
  const Database = require(process.env.LIBSQL);
  const db = new Database(process.env.DB);
  db.exec('pragma busy_timeout = 5000');
  db.exec('begin immediate');
  db.prepare("insert into moderation_requests (app_id, platforms, app_description, paid_features, status, submitted_by, submitted_at) values (?, '[\\"WEB\\"]', 'from elsewhere', 'from elsewhere', 'PENDING', 'other process', ?)").run(Number(process.env.APP_ID), Date.now());
  process.stdout.write('locked\\n');
  setTimeout(() => { db.exec('commit'); db.close(); }, 400);
`;

describe.each(DIALECTS)('votes-payments application over the real store on %s', (dialect: Dialect) => {
  let db: TestDatabase;
  let orm: Orm;
  const em = (): EntityManager => orm.em.fork();

  /** A new app; with `url`, its notification URL is set (VK's precondition for applying). */
  async function newApp(url: string | null = 'https://game.example.com/vk/payments'): Promise<App> {
    const e = em();
    const vkAppId = nextVkAppId++;
    const app = e.create(App, { vkAppId, name: `Game ${vkAppId}`, ...appKey(vkAppId), notificationUrl: url });
    await e.flush();
    return app;
  }
  const reload = (id: number) => em().findOneOrFail(ModerationRequest, id, { populate: ['app'] });
  const auditOf = (appId: number, action: string) => em().find(AuditEvent, { app: appId, action }, { orderBy: { id: 'asc' } });

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    orm = await openOrm(db.database);
    await migrate(orm);
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  describe('preflight', () => {
    it('a fresh app is not ready and says to set the notification URL', async () => {
      const app = await newApp(null);
      const result = await checkPreflight(em(), app);
      expect(result.ready).toBe(false);
      expect(result.checks.map((c) => [c.key, c.ok, c.required])).toEqual([
        ['NOTIFICATION_URL', false, true],
        ['TEST_PURCHASE_SUCCEEDED', false, false],
        ['TESTERS_CONFIGURED', false, false],
      ]);
      expect(result.checks[0]!.message).toMatch(/notification URL/);
    });

    it('only a successful order_status_change_test counts as a working test purchase; testers count once added', async () => {
      const app = await newApp();
      const e = em();
      const log = (fields: Partial<NotificationLog>) =>
        e.create(NotificationLog, { app: app.id, receivedAt: new Date(), request: {}, response: '{}', durationMs: 1, ...fields });
      log({ notificationType: 'order_status_change', test: true, errorCode: 20 }); // refused
      log({ notificationType: 'order_status_change', test: false, errorCode: null }); // real, not a test
      log({ notificationType: 'get_item', test: true, errorCode: null }); // not a purchase
      await e.flush();
      let result = await checkPreflight(em(), app);
      expect(result.ready).toBe(true); // only the URL is required
      expect(result.checks.find((c) => c.key === 'TEST_PURCHASE_SUCCEEDED')?.ok).toBe(false);

      log({ notificationType: 'order_status_change', test: true, errorCode: null });
      e.create(PaymentTester, { app: app.id, vkUserId: 501, addedBy: 'test' });
      await e.flush();
      result = await checkPreflight(em(), app);
      expect(result.checks.every((c) => c.ok)).toBe(true);
    });
  });

  describe('submitting', () => {
    it('is refused while the notification URL is not set, and nothing is stored', async () => {
      const app = await newApp(null);
      const err = await apiError(submitRequest(em(), adminOf(app), app, INPUT));
      expect(err).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'NOTIFICATION_URL_NOT_SET' } });
      expect(err.message).toMatch(/notification URL/);
      expect(await em().count(ModerationRequest, { app: app.id })).toBe(0);
    });

    it.each([
      ['no platform', { platforms: [] }, 'platforms'],
      ['an unknown platform', { platforms: ['WEB', 'PS5'] }, 'platforms.1'],
      ['a description under 10 characters once trimmed', { appDescription: '   too short   ' }, 'appDescription'],
      ['a description over 1000 characters', { appDescription: 'x'.repeat(1001) }, 'appDescription'],
      ['paid features under 10 characters', { paidFeatures: 'gems' }, 'paidFeatures'],
      ['paid features over 2000 characters', { paidFeatures: 'x'.repeat(2001) }, 'paidFeatures'],
    ])('%s is BAD_USER_INPUT naming the field', async (_what, patch, field) => {
      const app = await newApp();
      const err = await apiError(submitRequest(em(), adminOf(app), app, { ...INPUT, ...patch } as ModerationRequestInputData));
      expect(err).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
      expect(await em().count(ModerationRequest, { app: app.id })).toBe(0);
    });

    it('stores a pending request with trimmed texts, each platform once, the submitter, and an audit event', async () => {
      const app = await newApp();
      const request = await submitRequest(em(), adminOf(app), app, {
        platforms: ['WEB', 'IOS', 'WEB', 'MOBILE_WEB'],
        appDescription: `  ${INPUT.appDescription}\n`,
        paidFeatures: `\t${INPUT.paidFeatures}  `,
      });
      const stored = await reload(request.id);
      expect(stored).toMatchObject({
        status: 'PENDING',
        platforms: ['IOS', 'WEB', 'MOBILE_WEB'],
        appDescription: INPUT.appDescription,
        paidFeatures: INPUT.paidFeatures,
        submittedBy: 'key 10 "payments team" (PAYMENTS_ADMIN)',
        decidedBy: null,
        decidedAt: null,
      });
      const [event] = await auditOf(app.id, 'moderation.submit');
      expect(event).toMatchObject({
        actor: 'key 10 "payments team" (PAYMENTS_ADMIN)',
        target: String(request.id),
        after: { status: 'PENDING' },
      });
    });

    it('a second submit while one is pending is CONFLICT naming the pending request', async () => {
      const app = await newApp();
      const first = await submitRequest(em(), adminOf(app), app, INPUT);
      const err = await apiError(submitRequest(em(), adminOf(app), app, INPUT));
      expect(err).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'REQUEST_PENDING', requestId: String(first.id) } });
      expect(await em().count(ModerationRequest, { app: app.id })).toBe(1);
    });

    it('of several concurrent submits for one app exactly one succeeds; the rest are CONFLICT', async () => {
      for (let round = 0; round < 3; round++) {
        const app = await newApp();
        const results = await Promise.allSettled(Array.from({ length: 4 }, () => submitRequest(em(), adminOf(app), app, INPUT)));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((r) => r.status === 'rejected')) {
          expect((r.reason as ApiError).extensions).toMatchObject({ code: 'CONFLICT', reason: 'REQUEST_PENDING' });
        }
        expect(await em().count(ModerationRequest, { app: app.id, status: 'PENDING' })).toBe(1);
      }
    });

    it.runIf(dialect === 'sqlite')(
      'a submit waits for another process writing the same SQLite file, then sees its pending request',
      async () => {
        // The libsql driver is synchronous: a second connection in this process would block the event
        // loop while it waits for the lock, so the other writer is a real process (as the CLI would be).
        const app = await newApp();
        const other = spawn(process.execPath, ['--input-type=commonjs', '-e', OTHER_WRITER], {
          env: { ...process.env, LIBSQL: LIBSQL_PATH, DB: (db.database as { path: string }).path, APP_ID: String(app.id) },
        });
        const exited = new Promise<number | null>((resolve) => other.on('exit', resolve));
        let stderr = '';
        other.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        await new Promise<void>((resolve, reject) => {
          other.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
          other.on('exit', () => reject(new Error(`the other writer exited early: ${stderr}`)));
        });
        const err = await apiError(submitRequest(em(), adminOf(app), app, INPUT));
        expect(err).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'REQUEST_PENDING' } });
        expect(await exited).toBe(0);
        expect(await em().count(ModerationRequest, { app: app.id })).toBe(1);
      },
    );
  });

  describe('withdrawing', () => {
    it('turns a pending request WITHDRAWN, lets the app apply again, and refuses a second time with the status', async () => {
      const app = await newApp();
      const request = await submitRequest(em(), adminOf(app), app, INPUT);
      const e = em();
      const withdrawn = await withdrawRequest(e, ROOT, await findRequest(e, String(request.id)));
      expect(withdrawn.status).toBe('WITHDRAWN');
      expect((await reload(request.id)).status).toBe('WITHDRAWN');
      const e2 = em();
      const err = await apiError(withdrawRequest(e2, ROOT, await findRequest(e2, String(request.id))));
      expect(err).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'NOT_PENDING', status: 'WITHDRAWN' } });
      expect(err.message).toMatch(/withdrawn/);
      await expect(submitRequest(em(), adminOf(app), app, INPUT)).resolves.toMatchObject({ status: 'PENDING' });
      expect(await auditOf(app.id, 'moderation.withdraw')).toMatchObject([
        { actor: 'root (VKP_ADMIN_TOKEN)', target: String(request.id), before: { status: 'PENDING' }, after: { status: 'WITHDRAWN' } },
      ]);
    });

    it('an unknown or malformed id is NOT_FOUND / BAD_USER_INPUT', async () => {
      expect(await apiError(findRequest(em(), '999999'))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await apiError(findRequest(em(), 'abc'))).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'id' } });
    });
  });

  describe('deciding', () => {
    const decide = async (id: number, decision: 'APPROVE' | 'REJECT', comment?: string | null) => {
      const e = em();
      return decideRequest(e, MODERATOR, await findRequest(e, String(id)), decision, comment);
    };

    it.each([undefined, null, '', '   \n'])(
      'a rejection with comment %j is BAD_USER_INPUT naming comment, and the request stays pending',
      async (comment) => {
        const app = await newApp();
        const request = await submitRequest(em(), adminOf(app), app, INPUT);
        expect(await apiError(decide(request.id, 'REJECT', comment))).toMatchObject({
          code: 'BAD_USER_INPUT',
          extensions: { field: 'comment' },
        });
        expect((await reload(request.id)).status).toBe('PENDING');
      },
    );

    it('a comment over 2000 characters is refused', async () => {
      const app = await newApp();
      const request = await submitRequest(em(), adminOf(app), app, INPUT);
      expect(await apiError(decide(request.id, 'REJECT', 'x'.repeat(2001)))).toMatchObject({
        code: 'BAD_USER_INPUT',
        extensions: { field: 'comment' },
      });
    });

    it('a rejection keeps votes payments off and records who decided, when, and why', async () => {
      const app = await newApp();
      const request = await submitRequest(em(), adminOf(app), app, INPUT);
      await decide(request.id, 'REJECT', '  Describe the paid features in more detail.  ');
      const stored = await reload(request.id);
      expect(stored).toMatchObject({
        status: 'REJECTED',
        moderatorComment: 'Describe the paid features in more detail.',
        decidedBy: 'key 90 "platform moderator" (MODERATOR)',
      });
      expect(stored.decidedAt).toBeInstanceOf(Date);
      expect(stored.app.votesPaymentsEnabled).toBe(false);
      expect(await auditOf(app.id, 'moderation.decide')).toMatchObject([
        {
          actor: 'key 90 "platform moderator" (MODERATOR)',
          before: { status: 'PENDING', votesPaymentsEnabled: false },
          after: { status: 'REJECTED', moderatorComment: 'Describe the paid features in more detail.', votesPaymentsEnabled: false },
        },
      ]);
    });

    it('an approval turns votes payments on; a decided request cannot be decided or withdrawn again', async () => {
      const app = await newApp();
      const request = await submitRequest(em(), adminOf(app), app, INPUT);
      await decide(request.id, 'APPROVE', '');
      const stored = await reload(request.id);
      expect(stored).toMatchObject({ status: 'APPROVED', moderatorComment: null });
      expect(stored.app.votesPaymentsEnabled).toBe(true);
      expect(await apiError(decide(request.id, 'REJECT', 'changed my mind'))).toMatchObject({
        code: 'CONFLICT',
        extensions: { status: 'APPROVED' },
      });
      const e = em();
      expect(await apiError(withdrawRequest(e, adminOf(app), await findRequest(e, String(request.id))))).toMatchObject({
        code: 'CONFLICT',
        extensions: { reason: 'NOT_PENDING', status: 'APPROVED' },
      });
      expect((await auditOf(app.id, 'moderation.decide'))[0]?.after).toMatchObject({ status: 'APPROVED', votesPaymentsEnabled: true });
    });

    it('a withdrawal racing an approval: exactly one wins, and votes payments are on only if the approval won', async () => {
      for (let round = 0; round < 3; round++) {
        const app = await newApp();
        const request = await submitRequest(em(), adminOf(app), app, INPUT);
        const e1 = em();
        const e2 = em();
        const [r1, r2] = [await findRequest(e1, String(request.id)), await findRequest(e2, String(request.id))];
        const results = await Promise.allSettled([
          withdrawRequest(e1, adminOf(app), r1),
          decideRequest(e2, MODERATOR, r2, 'APPROVE', null),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const stored = await reload(request.id);
        expect(stored.app.votesPaymentsEnabled).toBe(stored.status === 'APPROVED');
        expect(await em().count(AuditEvent, { app: app.id, action: { $in: ['moderation.withdraw', 'moderation.decide'] } })).toBe(1);
      }
    });
  });

  describe('lists', () => {
    it("an app's history keeps every request, newest first", async () => {
      const app = await newApp();
      const a = await submitRequest(em(), adminOf(app), app, INPUT);
      let e = em();
      await withdrawRequest(e, ROOT, await findRequest(e, String(a.id)));
      const b = await submitRequest(em(), adminOf(app), app, INPUT);
      e = em();
      await decideRequest(e, MODERATOR, await findRequest(e, String(b.id)), 'REJECT', 'Not yet');
      const c = await submitRequest(em(), adminOf(app), app, INPUT);
      const history = await listRequests(em(), app);
      expect(history.map((r) => [r.id, r.status])).toEqual([
        [c.id, 'PENDING'],
        [b.id, 'REJECTED'],
        [a.id, 'WITHDRAWN'],
      ]);
    });

    it('the queue lists pending requests of every app oldest first, page by page; a session bound to one app sees only it', async () => {
      // A database of its own, so other tests' pending requests do not interleave.
      const own = await freshDatabase(dialect);
      const qOrm = await openOrm(own.database);
      try {
        await migrate(qOrm);
        const e = qOrm.em.fork();
        const apps = [1, 2, 3].map((n) =>
          e.create(App, { vkAppId: 900 + n, name: `Q${n}`, ...appKey(900 + n), notificationUrl: 'https://q.example.com' }),
        );
        await e.flush();
        const ids: number[] = [];
        for (const app of apps) ids.push((await submitRequest(qOrm.em.fork(), adminOf(app), app, INPUT)).id);
        const e2 = qOrm.em.fork();
        await decideRequest(e2, MODERATOR, await findRequest(e2, String(ids[1])), 'APPROVE', null);

        const first = await moderationQueue(qOrm.em.fork(), MODERATOR, 'PENDING', { first: 1 });
        expect(await first.count()).toBe(2);
        expect(first.edges.map((x) => x.node.id)).toEqual([ids[0]]);
        expect(first.edges[0]!.node.app.name).toBe('Q1');
        expect(first.pageInfo.hasNextPage).toBe(true);
        const second = await moderationQueue(qOrm.em.fork(), MODERATOR, 'PENDING', { first: 1, after: first.pageInfo.endCursor });
        expect(second.edges.map((x) => x.node.id)).toEqual([ids[2]]);
        expect(second.pageInfo.hasNextPage).toBe(false);

        const approved = await moderationQueue(qOrm.em.fork(), ROOT, 'APPROVED', {});
        expect(approved.edges.map((x) => x.node.id)).toEqual([ids[1]]);

        const app3 = apps[2]!;
        const session: Principal = {
          kind: 'session',
          sessionId: 1,
          keyId: 90,
          keyLabel: 'm',
          role: 'MODERATOR',
          appId: app3.id,
          vkAppId: app3.vkAppId,
          expiresAt: new Date(Date.now() + 60_000),
        };
        expect((await moderationQueue(qOrm.em.fork(), session, 'PENDING', {})).edges.map((x) => x.node.id)).toEqual([ids[2]]);
      } finally {
        await qOrm.close();
        await own.drop();
      }
    });
  });
});
