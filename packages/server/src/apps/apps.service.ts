/**
 * Apps: lookup by VK's id, and the rule for a secret key. Creating and renaming an app is
 * settings/app-admin.service.ts.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { InputErrorParams } from '@vk-payments/shared';
import { z } from 'zod';
import { notFound } from '../graphql/errors.js';
import type { Principal } from '../access/permissions.js';
import { App } from './app.entity.js';

/** VK's protected key: a whitespace around it is the classic copy-paste mistake that breaks every signature. */
export const secretKeySchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(255, 'must be at most 255 characters')
  .refine((key) => /^\S+$/.test(key), {
    error: "must not contain spaces or line breaks (copy it again from VK's panel)",
    params: { reason: 'spaces' } satisfies InputErrorParams,
  });

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
  const [row] = (await em.getConnection().execute('select id from apps where vk_app_id = ?', [vkAppId])) as { id: number | string }[];
  if (!row) throw notFound(`app ${vkAppId}`);
  return Number(row.id);
}

/** Root and platform-wide keys see every app; an app's key or session sees its own. */
export async function listApps(em: EntityManager, principal?: Principal): Promise<App[]> {
  const own = principal && principal.kind !== 'root' ? principal.vkAppId : null;
  return em.find(App, own === null ? {} : { vkAppId: own }, { orderBy: { id: 'asc' } });
}
