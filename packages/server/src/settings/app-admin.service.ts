/**
 * Creating and renaming an app, both audited. The secret is written here, encrypted
 * (secrets/app-keys.ts), and read only where signatures are made or checked.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { InputErrorParams } from '@vk-payments/shared';
import { z } from 'zod';
import type { Principal } from '../access/permissions.js';
import { FIXED_API_VERSION, isApiVersionLocked } from '../apps/api-version.js';
import { App } from '../apps/app.entity.js';
import { getApp, secretKeySchema } from '../apps/apps.service.js';
import { audit } from '../audit/audit.service.js';
import { ApiError, parseInput } from '../graphql/errors.js';
import { currentKeyColumns } from '../secrets/app-keys.js';
import type { Secrets } from '../secrets/secrets.js';

const appName = z.string().trim().min(1, 'must not be empty').max(255);
/** When VK registered the app: decides whether its API version may be chosen (apps/api-version.ts). */
const vkRegisteredAt = z.date().refine((d) => d.getTime() <= Date.now(), {
  error: 'must not be in the future',
  params: { reason: 'inFuture' } satisfies InputErrorParams,
});

export const createAppInput = z.object({
  vkAppId: z.number().int().min(1, 'must be a positive integer'),
  name: appName,
  secretKey: secretKeySchema,
  vkRegisteredAt: vkRegisteredAt.nullish(),
});

/** Absent fields stay (a null name too); `vkRegisteredAt: null` makes the date unknown again. */
export const updateAppInput = z.object({
  name: appName.nullish(),
  vkRegisteredAt: vkRegisteredAt.nullable().optional(),
});

/** `actor` null is the server itself or its CLI, run by whoever holds the machine. */
export async function createApp(
  em: EntityManager,
  secrets: Secrets,
  actor: Principal | null,
  input: z.input<typeof createAppInput>,
): Promise<App> {
  const data = parseInput(createAppInput, input);
  if (await em.count(App, { vkAppId: data.vkAppId })) {
    throw new ApiError('CONFLICT', `an app with vkAppId ${data.vkAppId} already exists`);
  }
  const app = em.create(App, {
    vkAppId: data.vkAppId,
    name: data.name,
    ...currentKeyColumns(secrets, data.vkAppId, data.secretKey),
    vkRegisteredAt: data.vkRegisteredAt ?? null,
  });
  await em.flush();
  // The secret is recorded only as its hint.
  audit(em, actor, {
    appId: app.id,
    action: 'app.create',
    target: String(app.vkAppId),
    after: { name: app.name, vkRegisteredAt: app.vkRegisteredAt?.toISOString() ?? null, secretKeyHint: app.secretKeyHint },
  });
  await em.flush();
  return app;
}

/**
 * Renames the app or records when VK registered it. A date from 2024 on fixes the API version to 5.132
 * (VK's rule), so an app that had chosen another version is moved to 5.132 in the same change.
 */
export async function updateApp(
  em: EntityManager,
  principal: Principal,
  vkAppId: number,
  input: { name?: string | null; vkRegisteredAt?: Date | null },
): Promise<App> {
  const data = parseInput(updateAppInput, input);
  const app = await getApp(em, vkAppId);
  const changed: Partial<Pick<App, 'name' | 'vkRegisteredAt' | 'apiVersion'>> = {};
  if (data.name != null && data.name !== app.name) changed.name = data.name;
  if (data.vkRegisteredAt !== undefined && data.vkRegisteredAt?.getTime() !== app.vkRegisteredAt?.getTime()) {
    changed.vkRegisteredAt = data.vkRegisteredAt;
    if (isApiVersionLocked(data.vkRegisteredAt) && app.apiVersion !== FIXED_API_VERSION) changed.apiVersion = FIXED_API_VERSION;
  }
  const fields = Object.keys(changed) as (keyof typeof changed)[];
  if (!fields.length) return app;
  const json = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  const before = Object.fromEntries(fields.map((f) => [f, json(app[f])]));
  em.assign(app, changed);
  audit(em, principal, { appId: app.id, action: 'app.update', before, after: Object.fromEntries(fields.map((f) => [f, json(app[f])])) });
  await em.flush();
  return app;
}
