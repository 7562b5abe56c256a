/**
 * VK's whole sequences for one purchase or one subscription (docs/protocol.md §3, §7), played step by step:
 *   purchase          get_item → order_status_change chargeable
 *   purchase-refund   … → order_status_change refunded
 *   subscribe         get_subscription → subscription_status_change chargeable
 *   subscribe-cancel  … → subscription_status_change cancelled
 * Each step is sent twice, as VK may repeat any notification (docs/protocol.md §1): the repeat must get
 * the same answer. Every answer is judged against the protocol (verdict.ts). Pure over `post`, which
 * signs and delivers a step: over HTTP for the CLI (any URL), in-process for `simulateNotification`.
 */
import { isDeepStrictEqual } from 'node:util';
import { judgeAnswer, type Verdict } from '../notifications/verdict.js';

export const SCENARIOS = ['purchase', 'purchase-refund', 'subscribe', 'subscribe-cancel'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioOptions {
  app: number;
  user: number;
  /** The item (purchases) or the subscription plan's item_id (subscriptions). */
  item: string;
  /** Send the `_test` twins (true for everything the server itself sends). */
  test: boolean;
  /** `version` field; '' sends the old format without it (docs/protocol.md §6). */
  version?: string;
  orderId?: string;
  subscriptionId?: string;
  /** Unix seconds; tests pin it. */
  now?: () => number;
}

/** What `post` reports of one delivery. */
export interface Delivery {
  /** The fields as sent, `sig` included. */
  request: Record<string, string>;
  status: number;
  text: string;
  ms: number;
  /** The notification log row it made, when posted in-process. */
  logId?: number | undefined;
}

export type Post = (fields: Record<string, string>) => Promise<Delivery>;

export interface ScenarioStep {
  /** The notification_type sent. */
  type: string;
  first: Delivery;
  repeat: Delivery;
  verdict: Verdict;
  /** The repeat's answer equals the first one (as JSON). */
  repeatIdentical: boolean;
  /** Everything wrong with this step: the verdict's problems, an error answer, a different repeat. */
  problems: string[];
}

export interface ScenarioResult {
  scenario: ScenarioName;
  steps: ScenarioStep[];
  /** Every step answered with a valid success, identically on the repeat. */
  ok: boolean;
  /** Why the scenario stopped before its last step, if it did. */
  stoppedBecause: string | null;
}

/** A scalar of a JSON answer as VK would send it back; anything else (absent, an object) gives `fallback`. */
const scalar = (v: unknown, fallback: string): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : fallback;

const newId = (): string => String(1_000_000 + Math.floor(Math.random() * 2 ** 40));

/** An answer as JSON when it is JSON, else its text (a broken handler's answer is shown as it came). */
export function answerJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function problemsOf(verdict: Verdict, repeatIdentical: boolean): string[] {
  const problems = [...verdict.problems];
  if (verdict.kind === 'error')
    problems.push(`answered VK error ${verdict.code} (${verdict.critical ? 'critical' : 'not critical'}): ${verdict.message}`);
  if (!repeatIdentical)
    problems.push(
      'the repeat got a different answer: VK may send any notification twice and expects the same answer (docs/protocol.md §1)',
    );
  return problems;
}

/**
 * The order_status_change fields VK sends for an item (docs/protocol.md §3): it charges what get_item
 * answered (`answered`) and reports it back. Also used by the single-notification CLI simulator.
 */
export function orderFields(
  answered: Record<string, unknown>,
  o: { item: string; orderId: string; user: number; date: number },
): Record<string, string> {
  return {
    date: String(o.date),
    item: o.item,
    item_id: scalar(answered.item_id, o.item),
    item_title: scalar(answered.title, o.item),
    item_price: scalar(answered.price, '0'),
    ...(answered.discount !== undefined && { item_discount: scalar(answered.discount, '') }),
    ...(typeof answered.photo_url === 'string' && { item_photo_url: answered.photo_url }),
    order_id: o.orderId,
    receiver_id: String(o.user),
  };
}

/** The subscription_status_change fields for a plan (its price and period as get_subscription answered), `status` apart. */
export function subscriptionFields(
  plan: Record<string, unknown>,
  o: { item: string; subscriptionId: string; now: number; nextBillTime?: string | undefined },
): Record<string, string> {
  const periodDays = typeof plan.period === 'number' ? plan.period : 30;
  return {
    item_id: o.item,
    ...(plan.price !== undefined && { item_price: scalar(plan.price, '') }),
    subscription_id: o.subscriptionId,
    next_bill_time: o.nextBillTime ?? String(o.now + periodDays * 86_400),
  };
}

/** A cancellation as VK sends it when the user cancels: paid up to the period's end. */
export const CANCELLATION = { status: 'cancelled', cancel_reason: 'user_decision', pending_cancel: '1' } as const;

const responseOf = (step: ScenarioStep): Record<string, unknown> =>
  (answerJson(step.first.text) as { response: Record<string, unknown> }).response;

export async function runScenario(
  scenario: ScenarioName,
  o: ScenarioOptions,
  post: Post,
  onStep: (step: ScenarioStep) => void = () => {},
): Promise<ScenarioResult> {
  const suffix = o.test ? '_test' : '';
  const now = o.now ?? ((): number => Math.floor(Date.now() / 1000));
  const common: Record<string, string> = {
    app_id: String(o.app),
    user_id: String(o.user),
    ...(o.version !== '' && { version: o.version ?? '5.132' }),
  };
  const steps: ScenarioStep[] = [];

  /** Sends the step twice; true when the scenario may go on. */
  async function step(kind: string, fields: Record<string, string>): Promise<boolean> {
    const all = { ...common, notification_type: `${kind}${suffix}`, ...fields };
    const first = await post(all);
    const repeat = await post(all);
    const verdict = judgeAnswer(first.request, first.text);
    const repeatIdentical = isDeepStrictEqual(answerJson(first.text), answerJson(repeat.text));
    const s: ScenarioStep = {
      type: all.notification_type,
      first,
      repeat,
      verdict,
      repeatIdentical,
      problems: problemsOf(verdict, repeatIdentical),
    };
    steps.push(s);
    onStep(s);
    return verdict.kind === 'success';
  }
  const result = (stoppedBecause: string | null): ScenarioResult => ({
    scenario,
    steps,
    ok: stoppedBecause === null && steps.every((s) => s.problems.length === 0),
    stoppedBecause,
  });
  const stopped = (what: string): ScenarioResult => result(`${what} did not answer with a valid success, so VK would stop here`);

  if (scenario === 'purchase' || scenario === 'purchase-refund') {
    const orderId = o.orderId ?? newId();
    if (!(await step('get_item', { item: o.item, lang: 'ru_RU', order_id: orderId, receiver_id: String(o.user) })))
      return stopped('get_item');
    // VK charges what get_item answered, and reports it back (docs/protocol.md §3).
    const order = orderFields(responseOf(steps[0]!), { item: o.item, orderId, user: o.user, date: now() });
    if (!(await step('order_status_change', { ...order, status: 'chargeable' }))) return stopped('the chargeable order_status_change');
    if (scenario === 'purchase-refund') await step('order_status_change', { ...order, status: 'refunded' });
    return result(null);
  }

  const subscriptionId = o.subscriptionId ?? newId();
  if (!(await step('get_subscription', { item: o.item, lang: 'ru_RU', order_id: newId() }))) return stopped('get_subscription');
  const subscription = subscriptionFields(responseOf(steps[0]!), { item: o.item, subscriptionId, now: now() });
  if (!(await step('subscription_status_change', { ...subscription, status: 'chargeable' })))
    return stopped('the chargeable subscription_status_change');
  if (scenario === 'subscribe-cancel') {
    await step('subscription_status_change', { ...subscription, ...CANCELLATION });
  }
  return result(null);
}
