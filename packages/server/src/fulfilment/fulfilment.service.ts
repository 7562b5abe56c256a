/**
 * Fulfilment's logic behind its GraphQL operations (fulfilment.resolver.ts): setting the game-backend
 * webhook and rotating its secret, which attempts a caller may read in full, listing deliveries, and
 * resending one or every failed one.
 */
import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { decide, type Principal } from '../access/permissions.js';
import { App } from '../apps/app.entity.js';
import { getApp } from '../apps/apps.service.js';
import { audit } from '../audit/audit.service.js';
import { paginate, type ConnectionShape, type PageArgs } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { ApiError, badInput, notFound, parseInput } from '../graphql/errors.js';
import { assertConnectableUrl } from '../graphql/saved-url.js';
import type { Outbound } from '../net/outbound.js';
import { EVENT_TYPES, type EventType } from '../notifications/outbox.js';
import { DEFAULT_OVERLAP_HOURS, overlapEnd, overlapHoursSchema } from '../secrets/overlap.js';
import { SecretsError, type Secrets } from '../secrets/secrets.js';
import { openSigningSecret, overlapRunning, previousSigningSecretColumns, signingSecretColumns } from './endpoint-secret.js';
import { FulfilmentAttempt, FulfilmentDelivery, FulfilmentEndpoint, type DeliveryStatus } from './fulfilment.entity.js';
import { newSigningSecret } from './signing.js';
import { ATTEMPTS_KEPT } from './worker.js';

const endpointInput = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).max(2048),
  enabled: z.boolean().nullish(),
  syncMode: z.boolean().nullish(),
  rotateSecret: z.boolean().nullish(),
});

export interface EndpointChange {
  endpoint: FulfilmentEndpoint;
  /** The new signing secret, shown this once; null when it did not change. */
  signingSecret: string | null;
}

/**
 * Creates or changes the app's webhook; a new endpoint, or `rotateSecret`, gets a new signing secret.
 * `rotateSecret` on an existing endpoint rotates as rotateFulfilmentSecret does with its default
 * overlap (the old secret keeps signing beside the new one for DEFAULT_OVERLAP_HOURS): one rule for
 * rotating, whichever mutation does it. To stop the old one at once, rotate with overlapHours: 0. A
 * current secret this server cannot decrypt (a lost secrets key) is replaced with no overlap.
 */
export async function setEndpoint(
  em: EntityManager,
  { secrets, outbound, principal }: { secrets: Secrets; outbound: Outbound; principal: Principal | null },
  vkAppId: number,
  input: z.input<typeof endpointInput>,
  now: Date = new Date(),
): Promise<EndpointChange> {
  const data = parseInput(endpointInput, input);
  assertConnectableUrl(outbound, data.url, 'url');
  const app = await getApp(em, vkAppId);
  const existing = await em.findOne(FulfilmentEndpoint, { app });
  const before = existing && {
    url: existing.url,
    enabled: existing.enabled,
    syncMode: existing.syncMode,
    ...secretHints(existing, now),
  };
  const signingSecret = !existing || data.rotateSecret ? newSigningSecret() : null;
  const sealed =
    signingSecret === null
      ? null
      : existing
        ? rotatedColumns(secrets, app.vkAppId, existing, signingSecret, DEFAULT_OVERLAP_HOURS, now, 'drop')
        : signingSecretColumns(secrets, app.vkAppId, signingSecret);
  const endpoint = existing ?? em.create(FulfilmentEndpoint, { app, url: data.url, ...sealed! });
  em.assign(endpoint, {
    url: data.url,
    enabled: data.enabled ?? endpoint.enabled,
    syncMode: data.syncMode ?? endpoint.syncMode,
    updatedAt: now,
    ...sealed,
  });
  audit(em, principal, {
    appId: app.id,
    action: existing ? 'fulfilment.update' : 'fulfilment.create',
    target: data.url,
    before,
    after: { url: endpoint.url, enabled: endpoint.enabled, syncMode: endpoint.syncMode, ...secretHints(endpoint, now) },
  });
  await em.flush();
  return { endpoint, signingSecret };
}

/** How many attempts `attemptLog` shows at most: the worker keeps no more rows than that (ATTEMPTS_KEPT). */
export const MAX_ATTEMPTS_SHOWN = ATTEMPTS_KEPT;
export const DEFAULT_ATTEMPTS_SHOWN = 20;

/**
 * The last `last` attempts, oldest first; the answer bodies and errors only for a caller who may set
 * the URL. The delivery's `attempts` says how many there were in all.
 */
export async function attemptLog(
  em: EntityManager,
  principal: Principal | null,
  d: FulfilmentDelivery,
  last: number = DEFAULT_ATTEMPTS_SHOWN,
): Promise<FulfilmentAttempt[]> {
  if (!Number.isInteger(last) || last < 1 || last > MAX_ATTEMPTS_SHOWN) {
    throw badInput('last', { reason: 'outOfRange', min: 1, max: MAX_ATTEMPTS_SHOWN }, `must be between 1 and ${MAX_ATTEMPTS_SHOWN}`);
  }
  const attempts = (await em.find(FulfilmentAttempt, { delivery: d.id }, { orderBy: { id: 'desc' }, limit: last })).reverse();
  // What the server got back from a URL is for those who may choose the URL: otherwise a reader
  // could aim the server at something and read the answer (issue #10 §3).
  const app = await em.findOneOrFail(App, d.app.id);
  if (principal && decide(principal, 'MANAGE_ACCESS', app.vkAppId).ok) return attempts;
  // Plain copies, not the managed entities: nulling those would be written by the request's next flush.
  return attempts.map((a) => ({
    id: a.id,
    delivery: a.delivery,
    attemptedAt: a.attemptedAt,
    httpStatus: a.httpStatus,
    durationMs: a.durationMs,
    responseBody: null,
    error: null,
  }));
}

export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'delivered', 'failed'];

export interface DeliveryFilter {
  status?: string | null;
  eventType?: string | null;
}

/** The filter's values, checked against the words the server stores (a typo would silently match nothing). */
function deliveryWhere({ status, eventType }: DeliveryFilter): { status?: DeliveryStatus; eventType?: EventType } {
  if (status != null && !DELIVERY_STATUSES.includes(status as DeliveryStatus)) {
    throw badInput('status', { reason: 'notOneOf', values: DELIVERY_STATUSES }, `one of ${DELIVERY_STATUSES.join(', ')}`);
  }
  if (eventType != null && !(EVENT_TYPES as readonly string[]).includes(eventType)) {
    throw badInput('eventType', { reason: 'notOneOf', values: [...EVENT_TYPES] }, `one of ${EVENT_TYPES.join(', ')}`);
  }
  return { ...(status != null && { status: status as DeliveryStatus }), ...(eventType != null && { eventType: eventType as EventType }) };
}

export async function listDeliveries(
  em: EntityManager,
  vkAppId: number,
  filter: DeliveryFilter,
  page: PageArgs,
): Promise<ConnectionShape<FulfilmentDelivery>> {
  const where = deliveryWhere(filter);
  const app = await getApp(em, vkAppId);
  // Paged on (app_id, id) newest first (fulfilment_deliveries_app_newest_idx); a filter of three or
  // fewer values skips at most a few rows per match, so it needs no index of its own.
  return paginate(em, FulfilmentDelivery, { app, ...where }, page);
}

/** Makes the delivery due now, whatever its state; the caller pokes the worker. */
export async function resendDelivery(
  em: EntityManager,
  principal: Principal,
  delivery: FulfilmentDelivery,
  now = new Date(),
): Promise<void> {
  // An attempt in flight keeps its claim (its outcome is recorded as usual); an expired claim is dropped.
  const claimed = delivery.lockedUntil !== null && delivery.lockedUntil > now;
  em.assign(delivery, { status: 'pending', nextAttemptAt: now, ...(!claimed && { lockedUntil: null }) });
  audit(em, principal, { appId: delivery.app.id, action: 'fulfilment.resend', target: delivery.eventId });
  await em.flush();
}

/** How many failed deliveries one "resend all failed" makes due: the worker sends them ten at a time. */
export const RESEND_FAILED_MAX = 500;
/**
 * After a call that resent something, the app's next one waits this long (per instance): with the game
 * backend down the deliveries fail again at once, and each call would add up to 500 POSTs and attempts.
 */
export const RESEND_FAILED_COOLDOWN_MS = 60_000;

/** The app's cooldown of "resend all failed", one key per app (the API's, Context.resendCooldown). */
type Cooldown = Context['resendCooldown'];

export interface ResendFailed {
  /** Failed deliveries this call made due again. */
  resent: number;
  /** Failed deliveries of the filter left for another call (beyond RESEND_FAILED_MAX). */
  remaining: number;
}

/**
 * Makes the app's failed deliveries (of one event type, if given) due now, the oldest first, at most
 * RESEND_FAILED_MAX of them, and RATE_LIMITED within RESEND_FAILED_COOLDOWN_MS of the app's last call that resent
 * some; the caller pokes the worker. Each gets one attempt, as a resend of one does.
 * Idempotent: a resent delivery is pending, so a repeat (or a concurrent call) does not take it again,
 * and a repeat once they were sent only takes those that failed since.
 */
export async function resendFailed(
  em: EntityManager,
  principal: Principal | null,
  vkAppId: number,
  eventType: string | null,
  cooldown: Cooldown,
  now = new Date(),
): Promise<ResendFailed> {
  const where = { ...deliveryWhere({ eventType }), status: 'failed' as const };
  const app = await getApp(em, vkAppId);
  const key = String(app.vkAppId);
  const wait = cooldown.peek(key);
  if (!wait.ok) {
    const { retryAfterSeconds } = wait;
    throw new ApiError('RATE_LIMITED', `failed deliveries were resent a moment ago: try again in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }
  const due = await em.find(FulfilmentDelivery, { app, ...where }, { fields: ['id'], orderBy: { id: 'asc' }, limit: RESEND_FAILED_MAX });
  // `status: failed` again in the update: a delivery another call resent meanwhile is not counted twice.
  const resent = due.length
    ? await em.nativeUpdate(
        FulfilmentDelivery,
        { id: { $in: due.map((d) => d.id) }, ...where },
        { status: 'pending', nextAttemptAt: now, lockedUntil: null },
      )
    : 0;
  if (resent) {
    // Only a call that made work starts the cooldown: one that found nothing failed cost two reads.
    cooldown.take(key);
    audit(em, principal, { appId: app.id, action: 'fulfilment.resendFailed', target: eventType, after: { resent } });
    await em.flush();
  }
  return { resent, remaining: await em.count(FulfilmentDelivery, { app, ...where }) };
}

const rotateInput = z.object({ overlapHours: overlapHoursSchema });

/**
 * What the API and the audit may show of the endpoint's secrets: hints, and the previous one's with its
 * expiry only while it still signs. Stored beside the encrypted secrets: showing them decrypts nothing.
 */
export function secretHints(e: FulfilmentEndpoint, now: Date = new Date()) {
  const overlap = overlapRunning(e, now);
  return {
    secretHint: e.signingSecretHint ?? 'whsec_••••',
    previousSecretHint: overlap ? (e.previousSigningSecretHint ?? 'whsec_••••') : null,
    previousSecretExpiresAt: overlap ? e.previousSecretExpiresAt!.toISOString() : null,
  };
}

/**
 * The columns of a rotation to `fresh`: the current secret becomes the previous one for `overlapHours`
 * (0: none). A previous secret whose overlap still runs is dropped (it stops at once): only the secret
 * the game backend had until now keeps signing. The current secret is decrypted to move it (its
 * ciphertext is bound to its column). When this server cannot decrypt it (a lost secrets key) it cannot
 * sign either: `unreadable: 'refuse'` says to rotate with overlapHours 0 (as rotateAppSecret does),
 * `'drop'` rotates with no overlap (setFulfilmentEndpoint, which has no overlap to choose).
 */
function rotatedColumns(
  secrets: Secrets,
  vkAppId: number,
  endpoint: FulfilmentEndpoint,
  fresh: string,
  overlapHours: number,
  now: Date,
  unreadable: 'refuse' | 'drop',
) {
  const until = overlapEnd(now, overlapHours);
  let current: string | null = null;
  if (until) {
    try {
      current = openSigningSecret(secrets, vkAppId, endpoint.sealedSigningSecret);
    } catch (err) {
      if (!(err instanceof SecretsError)) throw err;
      if (unreadable === 'drop')
        return { ...signingSecretColumns(secrets, vkAppId, fresh), ...previousSigningSecretColumns(secrets, vkAppId, null) };
      throw badInput(
        'overlapHours',
        { reason: 'needsStep', step: 'overlapZero' },
        "the current secret cannot be decrypted with this server's secrets key, so it cannot keep signing; rotate with overlapHours: 0",
      );
    }
  }
  return {
    ...signingSecretColumns(secrets, vkAppId, fresh),
    ...previousSigningSecretColumns(secrets, vkAppId, current !== null && until ? { secret: current, expiresAt: until } : null),
  };
}

/**
 * A new signing secret for the app's webhook, shown this once. For `overlapHours` (0–168, default 24)
 * deliveries carry the old secret's signature beside the new one's, so the game backend can switch
 * without refusing an event; 0 stops the old one at once. The audit records hints only.
 */
export async function rotateSecret(
  em: EntityManager,
  { secrets, principal }: { secrets: Secrets; principal: Principal | null },
  vkAppId: number,
  input: z.input<typeof rotateInput> = {},
  now: Date = new Date(),
): Promise<EndpointChange> {
  const overlapHours = parseInput(rotateInput, input).overlapHours ?? DEFAULT_OVERLAP_HOURS;
  const app = await getApp(em, vkAppId);
  const endpoint = await em.findOne(FulfilmentEndpoint, { app });
  if (!endpoint) throw notFound(`the fulfilment endpoint of app ${vkAppId}`);
  const before = secretHints(endpoint, now);
  const signingSecret = newSigningSecret();
  em.assign(endpoint, { ...rotatedColumns(secrets, app.vkAppId, endpoint, signingSecret, overlapHours, now, 'refuse'), updatedAt: now });
  audit(em, principal, {
    appId: app.id,
    action: 'fulfilment.rotateSecret',
    target: endpoint.url,
    before,
    after: { ...secretHints(endpoint, now), overlapHours },
  });
  await em.flush();
  return { endpoint, signingSecret };
}
