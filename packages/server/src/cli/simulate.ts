/**
 * `vk-payments simulate <type>`: builds and signs a notification exactly as VK does (docs/protocol.md §2–§3),
 * with the key it is given (so any type, `--live` ones too, and any item: whoever runs it can sign anyway),
 * posts it to our server or any URL, and prints the request, the answer and a verdict. For a purchase
 * it first asks get_item for the price and title, as VK does before showing the order box (§7).
 */
import { randomInt } from 'node:crypto';
import { NOTIFICATION_TYPES, parseNotificationType, type RawNotificationType } from '@vk-payments/shared';
import { ALLOW_ALL } from '../net/addresses.js';
import { createOutbound } from '../net/outbound.js';
import { send, type Exchange } from '../notifications/send.js';
import { signParams } from '../notifications/signature.js';
import { CANCELLATION, orderFields, runScenario, SCENARIOS, subscriptionFields, type ScenarioName } from '../devtools/scenario.js';

export interface SimulateOptions {
  type: string;
  url: string;
  secret: string;
  app: number;
  user: number;
  item?: string | undefined;
  order?: string | undefined;
  status?: string | undefined;
  price?: number | undefined;
  subscription?: string | undefined;
  nextBillTime?: string | undefined;
  version?: string | undefined;
}

export type Print = (line: string) => void;

/**
 * The CLI runs in the operator's own shell and posts where the operator says (their handler on
 * localhost is the usual target), so it may reach private addresses; the server never does unless
 * VKP_ALLOW_PRIVATE_URLS allows it.
 */
const operatorOutbound = createOutbound({ allow: ALLOW_ALL });

export class SimulateError extends Error {
  override name = 'SimulateError';
}

export function printExchange(print: Print, url: string, x: Exchange): void {
  print(`→ POST ${url}`);
  for (const [k, v] of Object.entries(x.request)) print(`    ${k}=${v}`);
  print(`← HTTP ${x.status} in ${x.ms.toFixed(1)} ms${x.location ? ` (redirect to ${x.location}, not followed: set the final URL)` : ''}`);
  print(`    ${x.text}`);
  const v = x.verdict;
  if (v.kind === 'success') print('✓ a valid success answer');
  else if (v.kind === 'error')
    print(`✗ VK error ${v.code} (${v.critical ? 'critical: VK cancels the order' : 'not critical: VK retries'}): ${v.message}`);
  else for (const p of v.problems) print(`✗ invalid answer: ${p}`);
}

const unixNow = (): number => Math.floor(Date.now() / 1000);
const newId = (): string => String(randomInt(1_000_000, 2 ** 47));

function itemFromAnswer(text: string): Record<string, unknown> {
  return (JSON.parse(text) as { response: Record<string, unknown> }).response;
}

/** Runs the simulation; returns the process exit code (0 valid success, 1 error answer, 2 invalid answer). */
export async function simulate(o: SimulateOptions, print: Print): Promise<number> {
  if (!(NOTIFICATION_TYPES as readonly string[]).includes(o.type)) {
    throw new SimulateError(`unknown type "${o.type}": one of ${NOTIFICATION_TYPES.join(', ')}`);
  }
  const type = o.type as RawNotificationType;
  const { kind, test } = parseNotificationType(type)!;
  const suffix = test ? '_test' : '';
  const common = { app_id: String(o.app), user_id: String(o.user), version: o.version ?? '5.132' };
  const exchanges: Exchange[] = [];
  const step = async (fields: Record<string, string>): Promise<Exchange> => {
    if (o.version === '') delete fields.version; // the old format has no version (docs/protocol.md §6)
    const x = await send(operatorOutbound, o.url, signParams(fields, o.secret));
    printExchange(print, o.url, x);
    exchanges.push(x);
    return x;
  };
  const item = (): string => {
    if (!o.item) throw new SimulateError(`--item is required for ${type}`);
    return o.item;
  };
  const orderId = o.order ?? newId();

  const lookup = async (lookupKind: 'get_item' | 'get_subscription'): Promise<Record<string, unknown> | null> => {
    const x = await step({
      ...common,
      notification_type: `${lookupKind}${suffix}`,
      item: item(),
      lang: 'ru_RU',
      order_id: orderId,
      receiver_id: String(o.user),
    });
    return x.verdict.kind === 'success' ? itemFromAnswer(x.text) : null;
  };

  switch (kind) {
    case 'get_item':
    case 'get_subscription':
      await lookup(kind);
      break;
    case 'order_status_change': {
      const status = o.status ?? 'chargeable';
      let details: Record<string, unknown> | null = { title: item(), price: o.price };
      if (status === 'chargeable' && o.price === undefined) {
        details = await lookup('get_item');
        if (!details) break;
        print('');
      }
      await step({
        ...common,
        notification_type: type,
        ...orderFields(details, { item: item(), orderId, user: o.user, date: unixNow() }),
        status,
      });
      break;
    }
    case 'subscription_status_change': {
      const status = o.status ?? 'chargeable';
      let details: Record<string, unknown> | null = { price: o.price, period: 30 };
      if (status === 'chargeable' && o.price === undefined) {
        details = await lookup('get_subscription');
        if (!details) break;
        print('');
      }
      const subscription = subscriptionFields(details, {
        item: item(),
        subscriptionId: o.subscription ?? newId(),
        now: unixNow(),
        nextBillTime: o.nextBillTime,
      });
      await step({ ...common, notification_type: type, ...subscription, ...(status === 'cancelled' ? CANCELLATION : { status }) });
      break;
    }
  }
  const verdicts = exchanges.map((x) => x.verdict.kind);
  if (verdicts.includes('invalid')) return 2;
  return verdicts.every((v) => v === 'success') ? 0 : 1;
}

export interface ScenarioCliOptions {
  scenario: string;
  url: string;
  secret: string;
  app: number;
  user: number;
  item?: string | undefined;
  version?: string | undefined;
  /** Send the real types instead of the `_test` twins. */
  live?: boolean | undefined;
}

/**
 * `vk-payments simulate scenario <name>`: VK's whole sequence, each step sent twice (devtools/scenario.ts).
 * Returns the exit code: 0 every step a valid, repeatable success; 1 an error answer; 2 an invalid answer
 * or a repeat answered differently.
 */
export async function simulateScenario(o: ScenarioCliOptions, print: Print): Promise<number> {
  if (!(SCENARIOS as readonly string[]).includes(o.scenario)) {
    throw new SimulateError(`unknown scenario "${o.scenario}": one of ${SCENARIOS.join(', ')}`);
  }
  if (!o.item) throw new SimulateError("--item is required for a scenario (the item, or the subscription plan's item_id)");
  let n = 0;
  const result = await runScenario(
    o.scenario as ScenarioName,
    { app: o.app, user: o.user, item: o.item, test: !o.live, version: o.version },
    async (fields) => {
      const x = await send(operatorOutbound, o.url, signParams(fields, o.secret));
      return { request: x.request, status: x.status, text: x.text, ms: x.ms };
    },
    (step) => {
      print(`${n++ ? '\n' : ''}── step ${n}: ${step.type}`);
      printExchange(print, o.url, { ...step.first, verdict: step.verdict });
      print(
        step.repeatIdentical
          ? `↻ sent again: the same answer (${step.repeat.ms.toFixed(1)} ms)`
          : `✗ sent again: a different answer: ${step.repeat.text}`,
      );
    },
  );
  print('');
  if (result.ok) print(`✓ ${result.scenario}: ${result.steps.length} steps, each a valid success, the same on the repeat`);
  else print(`✗ ${result.scenario}: ${result.stoppedBecause ?? 'not every step was a valid, repeatable success'}`);
  const steps = result.steps;
  if (steps.some((s) => s.verdict.kind === 'invalid' || !s.repeatIdentical)) return 2;
  return result.ok ? 0 : 1;
}
