/**
 * The votes-payments application ("Оплата голосами" in VK's panel; ARCHITECTURE.md §3): an app applies, a
 * platform moderator approves or rejects, and approval turns votes payments on.
 *
 * Refusals that depend on the app's state rather than on the input are CONFLICT, with
 * `extensions.reason` for scripts and the widget to switch on:
 * - `NOTIFICATION_URL_NOT_SET`: VK's panel allows an application only once the notification URL is set;
 * - `REQUEST_PENDING` (with `requestId`): one pending application per app at a time;
 * - `NOT_PENDING` (with `status`): only a pending application can be withdrawn or decided.
 *
 * Every change runs in a transaction that first locks the app's row, so two submits, or a withdrawal
 * and a decision, racing for the same app take turns and the loser sees the winner's result.
 */
import { LockMode, raw, wrap, type EntityManager } from '@mikro-orm/core';
import { TEXT_LIMITS, type InputErrorParams } from '@vk-payments/shared';
import { z } from 'zod';
import { App } from '../apps/app.entity.js';
import { isPostgres } from '../db/orm.js';
import { audit, snapshot } from '../audit/audit.service.js';
import { describeActor, type Principal } from '../access/permissions.js';
import { paginate, type ConnectionShape, type PageArgs } from '../graphql/connection.js';
import { ModerationDecisionEnum, PlatformEnum } from '../graphql/enums.js';
import { ApiError, notFound, parseInput, recordId } from '../graphql/errors.js';
import { NotificationLog } from '../logs/notification-log.entity.js';
import { PaymentTester } from '../settings/payment-tester.entity.js';
import { ModerationRequest, type ModerationStatus, type Platform } from './moderation-request.entity.js';
import type { ModerationPreflight, PreflightCheck } from './moderation.types.js';

export type ModerationDecision = (typeof ModerationDecisionEnum)[keyof typeof ModerationDecisionEnum];

const PLATFORMS = Object.values(PlatformEnum) as [Platform, ...Platform[]];

const text = ({ min, max }: { min: number; max: number }) =>
  z.string().trim().min(min, `must be at least ${min} characters`).max(max, `must be at most ${max} characters`);

export const moderationRequestInput = z.object({
  platforms: z
    .array(z.enum(PLATFORMS, { error: `must be one of ${PLATFORMS.join(', ')}` }))
    .min(1, 'choose at least one platform')
    // Repeats are harmless: keep each platform once, in the enum's order, so the record reads the same however it was sent.
    .transform((chosen) => PLATFORMS.filter((p) => chosen.includes(p))),
  appDescription: text(TEXT_LIMITS.appDescription),
  paidFeatures: text(TEXT_LIMITS.paidFeatures),
});

export type ModerationRequestInputData = z.input<typeof moderationRequestInput>;

const decisionInput = z
  .object({
    decision: z.enum(Object.values(ModerationDecisionEnum) as [ModerationDecision, ...ModerationDecision[]]),
    comment: z
      .string()
      .trim()
      .max(TEXT_LIMITS.comment.max, `must be at most ${TEXT_LIMITS.comment.max} characters`)
      .nullish()
      .transform((c) => c || null),
  })
  // The app has to learn what to fix before it applies again.
  .refine((d) => d.decision !== 'REJECT' || d.comment !== null, {
    error: 'a rejection needs a comment saying what to fix',
    path: ['comment'],
    params: { reason: 'required' } satisfies InputErrorParams,
  });

const REQUEST_FIELDS = ['status', 'platforms', 'appDescription', 'paidFeatures', 'moderatorComment'] as const;

/**
 * Locks the app's row for the rest of the transaction and returns it as stored now. PostgreSQL:
 * `select … for update`. SQLite has no row locks and a deferred transaction that reads first fails
 * with SQLITE_BUSY when another connection (another process on the same file) writes in between; a
 * no-op write as the first statement takes the database's write lock up front, so a racing writer
 * waits (busy_timeout, db/orm.ts) and then reads what the first one committed.
 */
async function lockApp(tx: EntityManager, appId: number): Promise<App> {
  if (isPostgres(tx)) return tx.findOneOrFail(App, appId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  await tx.nativeUpdate(App, { id: appId }, { name: raw('name') });
  return tx.findOneOrFail(App, appId, { refresh: true });
}

const parseId = (id: string): number => recordId(id, 'a moderation request');

/** The answer for a request that does not exist, or that the caller cannot reach (authorizeRecord). */
export const requestNotFound = (id: string) => notFound(`moderation request ${id}`);

export async function findRequest(em: EntityManager, id: string): Promise<ModerationRequest> {
  const request = await em.findOne(ModerationRequest, { id: parseId(id) }, { populate: ['app'] });
  if (!request) throw requestNotFound(id);
  return request;
}

/** The app a request belongs to, loading it if only its reference is at hand. */
export async function appOf(request: ModerationRequest): Promise<App> {
  if (!wrap(request.app).isInitialized()) await wrap(request.app).init();
  return request.app;
}

/** The app's applications, newest first: the history VK's panel shows results in. */
export async function listRequests(em: EntityManager, app: App): Promise<ModerationRequest[]> {
  return em.find(ModerationRequest, { app }, { orderBy: { id: 'desc' }, populate: ['app'] });
}

/**
 * What moderators work through: pending applications oldest first (first come, first served), decided
 * ones newest first. A principal bound to one app (a moderator's widget session) sees that app only.
 */
export async function moderationQueue(
  em: EntityManager,
  principal: Principal,
  status: ModerationStatus,
  page: PageArgs,
): Promise<ConnectionShape<ModerationRequest>> {
  const own = principal.kind === 'root' ? null : principal.vkAppId;
  const where = own === null ? { status } : { status, app: { vkAppId: own } };
  const found = await paginate(em, ModerationRequest, where, page, { order: status === 'PENDING' ? 'asc' : 'desc' });
  await em.populate(
    found.edges.map((e) => e.node),
    ['app'],
  ); // one query for the page's apps (vkAppId, appName)
  return found;
}

/** VK's requirements for applying, checked against what is stored now. */
export async function checkPreflight(em: EntityManager, app: App): Promise<ModerationPreflight> {
  const [testPurchases, testers] = await Promise.all([
    em.count(NotificationLog, { app: app.id, notificationType: 'order_status_change', test: true, errorCode: null }),
    em.count(PaymentTester, { app: app.id }),
  ]);
  const checks: PreflightCheck[] = [
    {
      // Seed: "Отправить заявку можно, только если вы указали URL для платёжных уведомлений".
      key: 'NOTIFICATION_URL',
      required: true,
      ok: Boolean(app.notificationUrl),
      message: app.notificationUrl
        ? 'The payment notification URL is set.'
        : 'Set the payment notification URL in the payment settings: an application cannot be sent without it.',
    },
    {
      // Seed: "До отправки заявки проверьте, что платежи в вашем мини-приложении работают правильно".
      key: 'TEST_PURCHASE_SUCCEEDED',
      required: false,
      ok: testPurchases > 0,
      message:
        testPurchases > 0
          ? `${testPurchases} test purchase notification(s) (order_status_change_test) were answered successfully.`
          : 'Make a test purchase as a payment tester and check it succeeds: no successful order_status_change_test is in the log yet.',
    },
    {
      key: 'TESTERS_CONFIGURED',
      required: false,
      ok: testers > 0,
      message:
        testers > 0
          ? `${testers} payment tester(s) configured.`
          : 'Add at least one payment tester, so purchases can be tried in test mode before approval.',
    },
  ];
  return { ready: checks.every((c) => c.ok || !c.required), checks };
}

export async function submitRequest(
  em: EntityManager,
  principal: Principal,
  app: App,
  input: ModerationRequestInputData,
): Promise<ModerationRequest> {
  const data = parseInput(moderationRequestInput, input);
  return em.transactional(async (tx) => {
    const locked = await lockApp(tx, app.id);
    if (!locked.notificationUrl) {
      throw new ApiError(
        'CONFLICT',
        'set the payment notification URL (notificationUrl) first: VK accepts an application only from an app that has one',
        {
          reason: 'NOTIFICATION_URL_NOT_SET',
        },
      );
    }
    const pending = await tx.findOne(ModerationRequest, { app: locked, status: 'PENDING' });
    if (pending) {
      throw new ApiError('CONFLICT', `request ${pending.id} is still pending: withdraw it or wait for the decision`, {
        reason: 'REQUEST_PENDING',
        requestId: String(pending.id),
      });
    }
    const request = tx.create(ModerationRequest, { app: locked, ...data, submittedBy: describeActor(principal) });
    await tx.flush(); // the id names the request in the audit event
    audit(tx, principal, {
      appId: locked.id,
      action: 'moderation.submit',
      target: String(request.id),
      after: snapshot(request, REQUEST_FIELDS),
    });
    return request;
  });
}

/** Loads the request again under the app's lock and refuses unless it is still pending. */
async function lockPending(
  tx: EntityManager,
  request: ModerationRequest,
  doing: string,
): Promise<{ app: App; pending: ModerationRequest }> {
  const app = await lockApp(tx, request.app.id);
  const pending = await tx.findOneOrFail(ModerationRequest, request.id, { refresh: true });
  if (pending.status !== 'PENDING') {
    throw new ApiError('CONFLICT', `request ${pending.id} is ${pending.status.toLowerCase()}: only a pending request can be ${doing}`, {
      reason: 'NOT_PENDING',
      status: pending.status,
    });
  }
  return { app, pending };
}

export async function withdrawRequest(em: EntityManager, principal: Principal, request: ModerationRequest): Promise<ModerationRequest> {
  return em.transactional(async (tx) => {
    const { app, pending } = await lockPending(tx, request, 'withdrawn');
    pending.status = 'WITHDRAWN';
    audit(tx, principal, {
      appId: app.id,
      action: 'moderation.withdraw',
      target: String(pending.id),
      before: { status: 'PENDING' },
      after: { status: pending.status },
    });
    return pending;
  });
}

export async function decideRequest(
  em: EntityManager,
  principal: Principal,
  request: ModerationRequest,
  decision: ModerationDecision,
  comment: string | null | undefined,
): Promise<ModerationRequest> {
  const data = parseInput(decisionInput, { decision, comment });
  return em.transactional(async (tx) => {
    const { app, pending } = await lockPending(tx, request, 'decided');
    const before = { status: pending.status, votesPaymentsEnabled: app.votesPaymentsEnabled };
    pending.status = data.decision === 'APPROVE' ? 'APPROVED' : 'REJECTED';
    pending.moderatorComment = data.comment;
    pending.decidedBy = describeActor(principal);
    pending.decidedAt = new Date();
    // Seed: payments work for every user right after approval. A later rejection (of a new
    // application, e.g. for more platforms) leaves an earlier approval in force.
    if (data.decision === 'APPROVE') app.votesPaymentsEnabled = true;
    const after = { status: pending.status, moderatorComment: pending.moderatorComment, votesPaymentsEnabled: app.votesPaymentsEnabled };
    audit(tx, principal, { appId: app.id, action: 'moderation.decide', target: String(pending.id), before, after });
    return pending;
  });
}
