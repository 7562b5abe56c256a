/**
 * Apps: creation, lookup by VK's id. The secret is written here, encrypted (app-keys.ts), and read
 * only where signatures are made or checked.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { InputErrorParams } from '@vk-payments/shared';
import { z } from 'zod';
import { audit } from '../audit/audit.service.js';
import { ApiError, notFound, parseInput } from '../graphql/errors.js';
import type { Principal } from '../auth/permissions.js';
import { FIXED_API_VERSION, isApiVersionLocked } from '../settings/api-version.js';
import type { Secrets } from '../secrets/secrets.js';
import { App } from './app.entity.js';
import { currentKeyColumns } from './app-keys.js';

/** VK's protected key: a whitespace around it is the classic copy-paste mistake that breaks every signature. */
export const secretKeySchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(255, 'must be at most 255 characters')
  .refine((key) => /^\S+$/.test(key), { error: "must not contain spaces or line breaks (copy it again from VK's panel)", params: { reason: 'spaces' } satisfies InputErrorParams });

const appName = z.string().trim().min(1, 'must not be empty').max(255);
/** When VK registered the app: decides whether its API version may be chosen (settings/api-version.ts). */
const vkRegisteredAt = z.date().refine((d) => d.getTime() <= Date.now(), { error: 'must not be in the future', params: { reason: 'inFuture' } satisfies InputErrorParams });

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
export async function createApp(em: EntityManager, secrets: Secrets, actor: Principal | null, input: z.input<typeof createAppInput>): Promise<App> {
  const data = parseInput(createAppInput, input);
  if (await em.count(App, { vkAppId: data.vkAppId })) {
    throw new ApiError('CONFLICT', `an app with vkAppId ${data.vkAppId} already exists`);
  }
  const app = em.create(App, { vkAppId: data.vkAppId, name: data.name, ...currentKeyColumns(secrets, data.vkAppId, data.secretKey), vkRegisteredAt: data.vkRegisteredAt ?? null });
  await em.flush();
  // The secret is recorded only as its hint.
  audit(em, actor, { appId: app.id, action: 'app.create', target: String(app.vkAppId), after: { name: app.name, vkRegisteredAt: app.vkRegisteredAt?.toISOString() ?? null, secretKeyHint: app.secretKeyHint } });
  await em.flush();
  return app;
}

/**
 * Renames the app or records when VK registered it. A date from 2024 on fixes the API version to 5.132
 * (the seed's rule), so an app that had chosen another version is moved to 5.132 in the same change.
 */
export async function updateApp(em: EntityManager, principal: Principal, vkAppId: number, input: { name?: string | null; vkRegisteredAt?: Date | null }): Promise<App> {
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

export async function getApp(em: EntityManager, vkAppId: number): Promise<App> {
  const app = await em.findOne(App, { vkAppId });
  if (!app) throw notFound(`app ${vkAppId}`);
  return app;
}

/**
 * The app's row id by VK's id, NOT_FOUND as `getApp`, without loading the app into the ORM: for reads
 * that only filter by it (logs/log-page.ts).
 */
export async function appIdOf(em: EntityManager, vkAppId: number): Promise<number> {
  const [row] = await em.getConnection().execute<{ id: number | string }[]>('select id from apps where vk_app_id = ?', [vkAppId]);
  if (!row) throw notFound(`app ${vkAppId}`);
  return Number(row.id);
}

/** Root and platform-wide keys see every app; an app's key or session sees its own. */
export async function listApps(em: EntityManager, principal?: Principal): Promise<App[]> {
  const own = principal && principal.kind !== 'root' ? principal.vkAppId : null;
  return em.find(App, own === null ? {} : { vkAppId: own }, { orderBy: { id: 'asc' } });
}

