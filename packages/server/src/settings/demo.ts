/**
 * The demo app `pnpm start` creates on an empty database, so the admin shows something real and a
 * first test purchase works without any setup (README, first lines).
 */
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { upsertItem, upsertPlan } from '../catalog/catalog.service.js';
import { App } from '../apps/app.entity.js';
import { createApp } from './app-admin.service.js';
import type { Secrets } from '../secrets/secrets.js';

export const DEMO_VK_APP_ID = 1;
export const DEMO_ITEM = 'gem_pack';
export const DEMO_PLAN = 'vip_month';

/** Creates the demo app when there are no apps at all; returns it, or null when nothing was done. */
export async function ensureDemoApp(em: EntityManager, secrets: Secrets): Promise<App | null> {
  if (await em.count(App, {})) return null;
  const app = await createApp(em, secrets, null, {
    vkAppId: DEMO_VK_APP_ID,
    name: 'Demo app',
    // A real VK app has its own protected key; this one only signs the CLI simulator's test notifications.
    secretKey: randomBytes(15).toString('base64url'),
  });
  await upsertItem(em, null, app.id, { itemId: DEMO_ITEM, title: 'Gem pack ×100', price: 10, discount: 2, expiration: 600 });
  await upsertItem(em, null, app.id, { itemId: 'golden_sword', title: 'Golden sword', price: 25 });
  await upsertPlan(em, null, app.id, { itemId: DEMO_PLAN, title: 'VIP for a month', price: 30, period: 30 });
  return app;
}
