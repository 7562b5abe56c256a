/**
 * The catalog VK asks about: items (get_item) and subscription plans (get_subscription).
 * Limits come from docs/protocol.md §3 so that every stored item is one VK accepts.
 */
import type { EntityManager } from '@mikro-orm/core';
import { ITEM_LIMITS, SUBSCRIPTION_PERIODS, type InputErrorParams } from '@vk-payments/shared';
import { z } from 'zod';
import { audit, snapshot } from '../audit/audit.service.js';
import type { Principal } from '../access/permissions.js';
import { badInput, parseInput } from '../graphql/errors.js';
import { isSignableItemId, ITEM_ID_RULE } from '../notifications/signable.js';
import { CatalogItem } from './catalog-item.entity.js';
import { SubscriptionPlan } from './subscription-plan.entity.js';

const itemId = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(ITEM_LIMITS.itemMaxLength, `must be at most ${ITEM_LIMITS.itemMaxLength} characters`);
const title = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(ITEM_LIMITS.titleMaxLength, `must be at most ${ITEM_LIMITS.titleMaxLength} characters (VK's limit)`);
const votes = z.number().int('must be a whole number of votes').min(1, 'must be at least 1 vote');
const photoUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).nullish();
const expiration = z
  .number()
  .int()
  .refine((s) => s === 0 || (s >= ITEM_LIMITS.expirationMin && s <= ITEM_LIMITS.expirationMax), {
    error: `must be 0 (no caching) or ${ITEM_LIMITS.expirationMin}–${ITEM_LIMITS.expirationMax} seconds`,
    params: { reason: 'outOfRange', min: ITEM_LIMITS.expirationMin, max: ITEM_LIMITS.expirationMax } satisfies InputErrorParams,
  })
  .nullish();

export const catalogItemInput = z
  .object({
    itemId,
    title,
    price: votes,
    photoUrl,
    discount: z.number().int().min(0, 'must not be negative').nullish(),
    expiration,
    active: z.boolean().nullish(),
  })
  .refine((i) => i.discount == null || i.discount < i.price, {
    error: 'must be less than the price',
    path: ['discount'],
    params: { reason: 'notLessThan', than: 'price' } satisfies InputErrorParams,
  });

export const subscriptionPlanInput = z.object({
  itemId,
  title,
  price: votes,
  period: z.number().refine((p) => (SUBSCRIPTION_PERIODS as readonly number[]).includes(p), {
    error: `must be one of ${SUBSCRIPTION_PERIODS.join(', ')} days`,
    params: { reason: 'notOneOf', values: SUBSCRIPTION_PERIODS.map(String) } satisfies InputErrorParams,
  }),
  photoUrl,
  trialDuration: z.number().int().min(0, 'must not be negative').nullish(),
  expiration,
  active: z.boolean().nullish(),
});

/**
 * A new item or plan gets an id in the alphabet the server may sign (notifications/signable.ts), so the
 * developer tools can simulate it. One an older version stored outside it can still be edited, switched
 * off or deleted, and keeps answering VK: only signing it on request is refused.
 */
function assertNewIdSignable(existing: object | null, itemId: string): void {
  if (!existing && !isSignableItemId(itemId))
    throw badInput('itemId', { reason: 'invalidFormat', format: 'itemId', max: ITEM_LIMITS.itemMaxLength }, ITEM_ID_RULE);
}

export type CatalogItemInputData = z.input<typeof catalogItemInput>;
export type SubscriptionPlanInputData = z.input<typeof subscriptionPlanInput>;

const ITEM_FIELDS = ['title', 'price', 'photoUrl', 'discount', 'expiration', 'active'] as const;
const PLAN_FIELDS = ['title', 'price', 'period', 'photoUrl', 'trialDuration', 'expiration', 'active'] as const;

export async function upsertItem(
  em: EntityManager,
  actor: Principal | null,
  appId: number,
  input: CatalogItemInputData,
): Promise<CatalogItem> {
  const data = parseInput(catalogItemInput, input);
  const existing = await em.findOne(CatalogItem, { app: appId, itemId: data.itemId });
  assertNewIdSignable(existing, data.itemId);
  const before = snapshot(existing, ITEM_FIELDS);
  const item = existing ?? em.create(CatalogItem, { app: appId, itemId: data.itemId, title: data.title, price: data.price });
  em.assign(item, {
    title: data.title,
    price: data.price,
    photoUrl: data.photoUrl ?? null,
    discount: data.discount ?? null,
    expiration: data.expiration ?? null,
    active: data.active ?? true,
  });
  audit(em, actor, { appId, action: 'catalog.upsert', target: data.itemId, before, after: snapshot(item, ITEM_FIELDS) });
  await em.flush();
  return item;
}

export async function deleteItem(em: EntityManager, actor: Principal | null, appId: number, itemId: string): Promise<boolean> {
  const item = await em.findOne(CatalogItem, { app: appId, itemId });
  if (!item) return false;
  audit(em, actor, { appId, action: 'catalog.delete', target: itemId, before: snapshot(item, ITEM_FIELDS) });
  em.remove(item);
  await em.flush();
  return true;
}

export async function upsertPlan(
  em: EntityManager,
  actor: Principal | null,
  appId: number,
  input: SubscriptionPlanInputData,
): Promise<SubscriptionPlan> {
  const data = parseInput(subscriptionPlanInput, input);
  const existing = await em.findOne(SubscriptionPlan, { app: appId, itemId: data.itemId });
  assertNewIdSignable(existing, data.itemId);
  const before = snapshot(existing, PLAN_FIELDS);
  const plan =
    existing ?? em.create(SubscriptionPlan, { app: appId, itemId: data.itemId, title: data.title, price: data.price, period: data.period });
  em.assign(plan, {
    title: data.title,
    price: data.price,
    period: data.period,
    photoUrl: data.photoUrl ?? null,
    trialDuration: data.trialDuration ?? null,
    expiration: data.expiration ?? null,
    active: data.active ?? true,
  });
  audit(em, actor, { appId, action: 'plan.upsert', target: data.itemId, before, after: snapshot(plan, PLAN_FIELDS) });
  await em.flush();
  return plan;
}
