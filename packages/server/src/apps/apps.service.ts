/**
 * Apps: creation, lookup by VK's id. The secret is written here and read only by the notification core.
 */
import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { ApiError, notFound, parseInput } from '../graphql/errors.js';
import type { AppRecord } from '../notifications/store.js';
import type { Principal } from '../auth/permissions.js';
import { App } from './app.entity.js';

/** VK's protected key: a whitespace around it is the classic copy-paste mistake that breaks every signature. */
export const secretKeySchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(255, 'must be at most 255 characters')
  .regex(/^\S+$/, 'must not contain spaces or line breaks (copy it again from VK\'s panel)');

export const createAppInput = z.object({
  vkAppId: z.number().int().min(1, 'must be a positive integer'),
  name: z.string().trim().min(1, 'must not be empty').max(255),
  secretKey: secretKeySchema,
});

export async function createApp(em: EntityManager, input: z.input<typeof createAppInput>): Promise<App> {
  const data = parseInput(createAppInput, input);
  if (await em.count(App, { vkAppId: data.vkAppId })) {
    throw new ApiError('CONFLICT', `an app with vkAppId ${data.vkAppId} already exists`);
  }
  const app = em.create(App, data);
  await em.flush();
  return app;
}

export async function getApp(em: EntityManager, vkAppId: number): Promise<App> {
  const app = await em.findOne(App, { vkAppId });
  if (!app) throw notFound(`app ${vkAppId}`);
  return app;
}

/** Root and platform-wide keys see every app; an app's key or session sees its own. */
export async function listApps(em: EntityManager, principal?: Principal): Promise<App[]> {
  const own = principal && principal.kind !== 'root' ? principal.vkAppId : null;
  return em.find(App, own === null ? {} : { vkAppId: own }, { orderBy: { id: 'asc' } });
}

export async function findAppRecord(em: EntityManager, vkAppId: number): Promise<AppRecord | null> {
  return em.findOne(App, { vkAppId }, { fields: ['id', 'vkAppId', 'secretKey', 'apiVersion'] });
}
