/**
 * Fulfilment's logic behind its GraphQL operations (fulfilment.resolver.ts): setting the game-backend
 * webhook, which attempts a caller may read in full, listing deliveries, and resending one.
 */
import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { decide, type Principal } from '../access/permissions.js';
import { App } from '../apps/app.entity.js';
import { getApp } from '../apps/apps.service.js';
import { audit } from '../audit/audit.service.js';
import { paginate, type ConnectionShape, type PageArgs } from '../graphql/connection.js';
import { badInput, parseInput } from '../graphql/errors.js';
import { assertConnectableUrl } from '../graphql/saved-url.js';
import type { Outbound } from '../net/outbound.js';
import type { Secrets } from '../secrets/secrets.js';
import { signingSecretColumns } from './endpoint-secret.js';
import { FulfilmentAttempt, FulfilmentDelivery, FulfilmentEndpoint, type DeliveryStatus } from './fulfilment.entity.js';
import { newSigningSecret } from './signing.js';

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

/** Creates or changes the app's webhook; a new endpoint, or `rotateSecret`, gets a new signing secret. */
export async function setEndpoint(
  em: EntityManager,
  { secrets, outbound, principal }: { secrets: Secrets; outbound: Outbound; principal: Principal | null },
  vkAppId: number,
  input: z.input<typeof endpointInput>,
): Promise<EndpointChange> {
  const data = parseInput(endpointInput, input);
  assertConnectableUrl(outbound, data.url, 'url');
  const app = await getApp(em, vkAppId);
  const existing = await em.findOne(FulfilmentEndpoint, { app });
  const before = existing && {
    url: existing.url,
    enabled: existing.enabled,
    syncMode: existing.syncMode,
    secretHint: existing.signingSecretHint,
  };
  const signingSecret = !existing || data.rotateSecret ? newSigningSecret() : null;
  const sealed = signingSecret === null ? null : signingSecretColumns(secrets, app.vkAppId, signingSecret);
  const endpoint = existing ?? em.create(FulfilmentEndpoint, { app, url: data.url, ...sealed! });
  em.assign(endpoint, {
    url: data.url,
    enabled: data.enabled ?? endpoint.enabled,
    syncMode: data.syncMode ?? endpoint.syncMode,
    updatedAt: new Date(),
    ...sealed,
  });
  audit(em, principal, {
    appId: app.id,
    action: existing ? 'fulfilment.update' : 'fulfilment.create',
    target: data.url,
    before,
    after: { url: endpoint.url, enabled: endpoint.enabled, syncMode: endpoint.syncMode, secretHint: endpoint.signingSecretHint },
  });
  await em.flush();
  return { endpoint, signingSecret };
}

/** Every attempt, oldest first; the answer bodies and errors only for a caller who may set the URL. */
export async function attemptLog(em: EntityManager, principal: Principal | null, d: FulfilmentDelivery): Promise<FulfilmentAttempt[]> {
  const attempts = await em.find(FulfilmentAttempt, { delivery: d.id }, { orderBy: { id: 'asc' } });
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

export async function listDeliveries(
  em: EntityManager,
  vkAppId: number,
  status: string | null,
  page: PageArgs,
): Promise<ConnectionShape<FulfilmentDelivery>> {
  if (status != null && !DELIVERY_STATUSES.includes(status as DeliveryStatus)) {
    throw badInput('status', { reason: 'notOneOf', values: DELIVERY_STATUSES }, `one of ${DELIVERY_STATUSES.join(', ')}`);
  }
  const app = await getApp(em, vkAppId);
  return paginate(em, FulfilmentDelivery, { app, ...(status != null && { status: status as DeliveryStatus }) }, page);
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
