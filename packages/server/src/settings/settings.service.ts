/**
 * The "Payments → Connection → Настройки" tab (docs/protocol.md §8): the notification URL, the API version,
 * rotating the protected key, and checking the URL the way VK would call it.
 */
import { randomInt } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { API_VERSIONS, NOTIFICATION_URL_MAX_LENGTH, type InputErrorParams } from '@vk-payments/shared';
import { z } from 'zod';
import { App } from '../apps/app.entity.js';
import { currentKeyColumns, openCurrentKey, previousKeyColumns } from '../secrets/app-keys.js';
import { getApp, secretKeySchema } from '../apps/apps.service.js';
import { miniAppOriginsSchema } from '../apps/mini-app-origins.js';
import { keyHints } from '../apps/key-hints.js';
import { audit } from '../audit/audit.service.js';
import type { Principal } from '../access/permissions.js';
import { CatalogItem } from '../catalog/catalog-item.entity.js';
import { badInput, parseInput } from '../graphql/errors.js';
import { isSignableItemId } from '../notifications/signable.js';
import type { Outbound } from '../net/outbound.js';
import { assertConnectableUrl } from '../graphql/saved-url.js';
import { SecretsError, type Secrets } from '../secrets/secrets.js';
import { DEFAULT_OVERLAP_HOURS, overlapEnd, overlapHoursSchema } from '../secrets/overlap.js';
import { apiVersionLockReason, FIXED_API_VERSION, sendsVersionField } from '../apps/api-version.js';
import { probeNotificationUrl, type UrlCheck } from './check-url.js';
import { firstTester } from './testers.service.js';

/** The item checkNotificationUrl asks about when the catalog has no active item. */
export const PLACEHOLDER_ITEM = 'vkp_check';

const URL_MESSAGE = 'must be an absolute http(s) URL';
const NOT_A_URL: InputErrorParams = { reason: 'invalidUrl' };

/** Where VK posts notifications: absolute http(s), as pasted into VK's panel (trimmed). */
export const notificationUrlSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty (send null to clear it)')
  .max(NOTIFICATION_URL_MAX_LENGTH, `must be at most ${NOTIFICATION_URL_MAX_LENGTH} characters`)
  .superRefine((value, ctx) => {
    if (/\s/.test(value))
      return void ctx.addIssue({
        code: 'custom',
        message: 'must not contain spaces',
        params: { reason: 'spaces' } satisfies InputErrorParams,
      });
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return void ctx.addIssue({ code: 'custom', message: URL_MESSAGE, params: NOT_A_URL });
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      return void ctx.addIssue({ code: 'custom', message: URL_MESSAGE, params: NOT_A_URL });
    }
    if (url.username || url.password) {
      ctx.addIssue({
        code: 'custom',
        message: 'must not contain a user name or password: VK posts to it as it is, and it is shown in the panel',
        params: { reason: 'urlCredentials' } satisfies InputErrorParams,
      });
    }
  });

export const paymentSettingsInput = z.object({
  /** `null` clears the URL; absent leaves it. */
  notificationUrl: notificationUrlSchema.nullable().optional(),
  apiVersion: z.enum(API_VERSIONS, { error: `must be one of ${API_VERSIONS.join(', ')}` }).optional(),
  /** The whole list (replaces the stored one); absent leaves it. */
  miniAppOrigins: miniAppOriginsSchema.optional(),
});

export const rotateSecretInput = z.object({
  secretKey: secretKeySchema,
  overlapHours: overlapHoursSchema,
});

type SettingsField = 'notificationUrl' | 'apiVersion' | 'miniAppOrigins';

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

export async function updatePaymentSettings(
  em: EntityManager,
  principal: Principal,
  vkAppId: number,
  input: { notificationUrl?: string | null; apiVersion?: string | null; miniAppOrigins?: string[] | null },
  outbound: Outbound,
): Promise<App> {
  const data = parseInput(paymentSettingsInput, input);
  if (data.notificationUrl) assertConnectableUrl(outbound, data.notificationUrl, 'notificationUrl');
  const app = await getApp(em, vkAppId);
  const changed: Partial<Pick<App, SettingsField>> = {};
  if (data.notificationUrl !== undefined && data.notificationUrl !== app.notificationUrl) changed.notificationUrl = data.notificationUrl;
  if (data.apiVersion !== undefined && data.apiVersion !== app.apiVersion) {
    const locked = apiVersionLockReason(app.vkRegisteredAt);
    if (locked && data.apiVersion !== FIXED_API_VERSION)
      throw badInput('apiVersion', { reason: 'notAllowed', rule: 'apiVersionLocked' }, locked);
    changed.apiVersion = data.apiVersion;
  }
  if (data.miniAppOrigins !== undefined && !sameList(data.miniAppOrigins, app.miniAppOrigins ?? [])) {
    changed.miniAppOrigins = data.miniAppOrigins;
  }
  const fields = Object.keys(changed) as SettingsField[];
  if (!fields.length) return app; // nothing changed, nothing to record

  const before = Object.fromEntries(fields.map((f) => [f, f === 'miniAppOrigins' ? (app.miniAppOrigins ?? []) : app[f]]));
  em.assign(app, changed);
  audit(em, principal, { appId: app.id, action: 'settings.update', before, after: { ...changed } });
  await em.flush();
  return app;
}

const hintsForAudit = (app: App, now: Date) => {
  const h = keyHints(app, now);
  return { ...h, previousSecretExpiresAt: h.previousSecretExpiresAt?.toISOString() ?? null };
};

/**
 * Replaces the protected key. For `overlapHours` the old key keeps verifying (the notification core
 * tries it after the current one), so VK's panel and this server need not change in the same second;
 * 0 ends the old key at once. The audit records hints only, never a key.
 *
 * The old key is decrypted to move it: its ciphertext is bound to the current-key column and does not
 * decrypt in the previous-key one (secrets/). With `overlapHours: 0` it is not needed, so a key this
 * server cannot decrypt any more (a lost secrets key) can still be replaced with VK's current one.
 */
export async function rotateAppSecret(
  em: EntityManager,
  secrets: Secrets,
  principal: Principal,
  vkAppId: number,
  input: z.input<typeof rotateSecretInput>,
  now: Date = new Date(),
): Promise<App> {
  const data = parseInput(rotateSecretInput, input);
  const { secretKey } = data;
  const overlapHours = data.overlapHours ?? DEFAULT_OVERLAP_HOURS;
  const app = await getApp(em, vkAppId);
  let current: string | null = null;
  try {
    current = openCurrentKey(secrets, app);
  } catch (err) {
    if (!(err instanceof SecretsError)) throw err;
    if (overlapHours > 0) {
      throw badInput(
        'overlapHours',
        { reason: 'needsStep', step: 'overlapZero' },
        "the current key cannot be decrypted with this server's secrets key, so it cannot keep verifying; rotate with overlapHours: 0",
      );
    }
  }
  if (secretKey === current) {
    throw badInput('secretKey', { reason: 'unchanged' }, "this is the current key already; paste the new one from VK's panel");
  }
  const before = hintsForAudit(app, now);
  em.assign(app, {
    ...currentKeyColumns(secrets, vkAppId, secretKey),
    ...previousKeyColumns(secrets, vkAppId, overlapHours > 0 ? current : null),
    previousSecretExpiresAt: overlapEnd(now, overlapHours),
  });
  audit(em, principal, { appId: app.id, action: 'secret.rotate', before, after: { ...hintsForAudit(app, now), overlapHours } });
  await em.flush();
  return app;
}

/** How many active items checkItem looks through for one whose id may be signed. */
const CHECK_ITEM_CANDIDATES = 50;

/**
 * The item to ask about: the first active one of the catalog whose id this server may sign, or a made-up
 * one. An id an older version stored outside that alphabet still works for VK, but is never signed here
 * on request (notifications/signable.ts): the check asks about another item instead.
 */
async function checkItem(em: EntityManager, appId: number): Promise<string | null> {
  const items = await em.find(CatalogItem, { app: appId, active: true }, { orderBy: { itemId: 'asc' }, limit: CHECK_ITEM_CANDIDATES });
  return items.map((i) => i.itemId).find(isSignableItemId) ?? null;
}

/**
 * Sends a signed `get_item_test` to the app's notification URL, as VK would for a tester (docs/protocol.md
 * §3, §5), with the app's current key and in its API version's format, and reports what came back.
 */
export async function checkNotificationUrl(
  em: EntityManager,
  outbound: Outbound,
  secrets: Secrets,
  vkAppId: number,
  options: { timeoutMs?: number } = {},
): Promise<UrlCheck> {
  const app = await getApp(em, vkAppId);
  if (!app.notificationUrl) {
    throw badInput(
      'notificationUrl',
      { reason: 'needsStep', step: 'setNotificationUrl' },
      'set the notification URL first (updatePaymentSettings)',
    );
  }
  const item = await checkItem(em, app.id);
  const user = String((await firstTester(em, app.id)) ?? 1);
  const fields: Record<string, string> = {
    app_id: String(app.vkAppId),
    item: item ?? PLACEHOLDER_ITEM,
    lang: 'ru_RU',
    notification_type: 'get_item_test',
    order_id: String(randomInt(1_000_000, 2 ** 47)),
    receiver_id: user,
    user_id: user,
    ...(sendsVersionField(app.apiVersion) && { version: app.apiVersion }),
  };
  return probeNotificationUrl(outbound, app.notificationUrl, fields, openCurrentKey(secrets, app), {
    placeholderItem: item === null,
    ...options,
  });
}
