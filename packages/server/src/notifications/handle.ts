/**
 * The notification pipeline (ARCHITECTURE.md §2), pure over an injected store:
 *   parse → find app by app_id → verify sig → read fields → dispatch by kind → answer.
 * Only `app_id` is trusted before the signature is verified. It never sees HTTP; the route adapts it.
 */
import { parseNotificationType, type NotificationKind, type VkAnswer } from '@vk-payments/shared';
import { readFields } from './fields.js';
import { parseForm } from './form.js';
import * as handlers from './handlers.js';
import type { HandlerContext, VkResponse } from './handlers.js';
import { verifySig } from './signature.js';
import type { AppRecord, NotificationStore, SyncFulfilment } from './store.js';
import { unverifiedRequest } from './unverified.js';
import { isVkError, stringifyAnswer, toVkErrorAnswer, VkError } from './vk-error.js';

export interface CoreDeps {
  store: NotificationStore;
  /** Sync mode's wait for the game backend (a network call, so not the store's). */
  fulfilment: SyncFulfilment;
  now?: () => Date;
}

/** What the log row records about a request, whatever became of it. */
export interface LogDraft {
  appId: number | null;
  vkAppId: number | null;
  rawType: string | null;
  notificationType: NotificationKind | null;
  test: boolean;
  vkUserId: number | null;
  orderId: string | null;
  subscriptionId: string | null;
  /** The decoded fields: whole once the signature verified, else bounded (unverified.ts). */
  request: Record<string, unknown>;
  errorCode: number | null;
  signatureValid: boolean | null;
  /** Which key verified the signature; null when none did or none was tried. */
  signedWith: SignedWith | null;
  /** Something the operator should look at although the answer stands. */
  warning: string | null;
}

/** A log row as written: the draft, and how and when VK was answered. */
export interface LogEntry extends LogDraft {
  receivedAt: Date;
  response: string;
  durationMs: number;
}

export type SignedWith = 'current' | 'previous';

export interface HandledNotification {
  answer: VkAnswer<VkResponse>;
  /** The answer as compact JSON, exactly as it goes on the wire. */
  body: string;
  log: LogDraft;
  /** A fault that was answered as a temporary error; for the operator's server log, never for VK. */
  fault?: unknown;
}

const DISPATCH: { [K in NotificationKind]: (fields: never, ctx: HandlerContext) => Promise<VkResponse> } = {
  get_item: handlers.getItem,
  order_status_change: handlers.orderStatusChange,
  get_subscription: handlers.getSubscription,
  subscription_status_change: handlers.subscriptionStatusChange,
};

const safeInt = (v: unknown): number | null =>
  typeof v === 'string' && /^\d{1,16}$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : null;
const text = (v: unknown, max: number): string | null => (typeof v === 'string' && v.length <= max ? v : null);

/**
 * Which of the app's keys signed `params`: the current one, or — during a rotation's overlap, until
 * `previousSecretExpiresAt` — the previous one. Each comparison is constant-time (verifySig).
 */
export function verifyWithKeys(params: Readonly<Record<string, string>>, app: AppRecord, now: Date): SignedWith | null {
  if (verifySig(params, app.secretKey)) return 'current';
  const { previousSecretKey: previous, previousSecretExpiresAt: until } = app;
  if (previous && until && now < until && verifySig(params, previous)) return 'previous';
  return null;
}

/**
 * VK sends `_test` notifications only for the app's payment testers (docs/protocol.md §5), so one from
 * anybody else is worth a look (a forged test, or a tester list out of step with VK's panel). The
 * answer stands either way; a failing lookup only loses the warning, never the answer.
 */
async function testerWarning(store: NotificationStore, appId: number, vkUserId: number): Promise<string | null> {
  try {
    if (await store.isPaymentTester(appId, vkUserId)) return null;
    return `user ${vkUserId} is not a payment tester of this app: VK sends _test notifications only for testers`;
  } catch {
    return null;
  }
}

export async function handleNotification(rawBody: string, deps: CoreDeps): Promise<HandledNotification> {
  const now = deps.now?.() ?? new Date();
  const form = parseForm(rawBody);
  const p = form.params;
  const parsedType = typeof p.notification_type === 'string' ? parseNotificationType(p.notification_type) : undefined;
  const log: LogDraft = {
    appId: null,
    vkAppId: safeInt(p.app_id),
    rawType: text(p.notification_type, 64),
    notificationType: parsedType?.kind ?? null,
    test: parsedType?.test ?? false,
    vkUserId: safeInt(p.user_id),
    orderId: text(p.order_id, 32),
    subscriptionId: text(p.subscription_id, 64),
    request: p,
    errorCode: null,
    signatureValid: null,
    signedWith: null,
    warning: null,
  };

  let answer: VkAnswer<VkResponse>;
  let fault: unknown;
  try {
    if (!form.ok) throw new VkError('BAD_REQUEST', form.reason);
    const params = form.params;
    if (params.app_id === undefined) throw new VkError('BAD_REQUEST', 'missing field app_id');
    if (log.vkAppId === null) throw new VkError('BAD_REQUEST', 'field app_id must be a decimal integer');

    const app = await deps.store.findApp(log.vkAppId);
    if (!app) throw new VkError('BAD_REQUEST', `app_id ${log.vkAppId} is not an app of this server`);
    log.appId = app.id;

    if (!params.sig) throw new VkError('BAD_SIGNATURE', 'missing field sig');
    log.signedWith = verifyWithKeys(params, app, now);
    log.signatureValid = log.signedWith !== null;
    if (!log.signatureValid) throw new VkError('BAD_SIGNATURE', 'signature mismatch');

    if (params.notification_type === undefined) throw new VkError('BAD_REQUEST', 'missing field notification_type');
    if (!parsedType) throw new VkError('COMMON', `unknown notification_type "${params.notification_type}"`);

    const read = readFields(parsedType.kind, params);
    if (!read.ok) throw new VkError('BAD_REQUEST', read.message);

    const handler = DISPATCH[parsedType.kind] as (fields: unknown, ctx: HandlerContext) => Promise<VkResponse>;
    answer = { response: await handler(read.fields, { app, test: parsedType.test, store: deps.store, fulfilment: deps.fulfilment, now }) };
  } catch (err) {
    if (!isVkError(err)) fault = err;
    const failure = toVkErrorAnswer(err);
    log.errorCode = failure.error.error_code;
    answer = failure;
  }
  // Anyone can send an unverified request: the log keeps a bounded copy. A verified one is kept whole.
  log.request = log.signatureValid === true ? { ...p } : unverifiedRequest(p, Buffer.byteLength(rawBody));
  // Only `_test` types pay for this lookup: real payments' hot path stays as it was.
  if (log.signatureValid && log.test && log.appId !== null && log.vkUserId !== null) {
    log.warning = await testerWarning(deps.store, log.appId, log.vkUserId);
  }
  return { answer, body: stringifyAnswer(answer), log, ...(fault !== undefined && { fault }) };
}
