/**
 * The notification pipeline (DESIGN.md §4), pure over an injected store:
 *   parse → find app by app_id → verify sig → read fields → dispatch by kind → answer.
 * Only `app_id` is trusted before the signature is verified. It never sees HTTP; the route adapts it.
 */
import { parseNotificationType, type NotificationKind, type VkAnswer } from '@vk-payments/shared';
import { readFields } from './fields.js';
import { parseForm } from './form.js';
import * as handlers from './handlers.js';
import type { HandlerContext, VkResponse } from './handlers.js';
import { verifySig } from './signature.js';
import type { NotificationStore } from './store.js';
import { isVkError, stringifyAnswer, toVkErrorAnswer, VkError } from './vk-error.js';

export interface CoreDeps {
  store: NotificationStore;
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
  request: Record<string, unknown>;
  errorCode: number | null;
  signatureValid: boolean | null;
}

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
    request: { ...p },
    errorCode: null,
    signatureValid: null,
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
    log.signatureValid = verifySig(params, app.secretKey);
    if (!log.signatureValid) throw new VkError('BAD_SIGNATURE', 'signature mismatch');

    if (params.notification_type === undefined) throw new VkError('BAD_REQUEST', 'missing field notification_type');
    if (!parsedType) throw new VkError('COMMON', `unknown notification_type "${params.notification_type}"`);

    const read = readFields(parsedType.kind, params);
    if (!read.ok) throw new VkError('BAD_REQUEST', read.message);

    const handler = DISPATCH[parsedType.kind] as (fields: unknown, ctx: HandlerContext) => Promise<VkResponse>;
    answer = { response: await handler(read.fields, { app, test: parsedType.test, store: deps.store, now }) };
  } catch (err) {
    if (!isVkError(err)) fault = err;
    const failure = toVkErrorAnswer(err);
    log.errorCode = failure.error.error_code;
    answer = failure;
  }
  return { answer, body: stringifyAnswer(answer), log, ...(fault !== undefined && { fault }) };
}
