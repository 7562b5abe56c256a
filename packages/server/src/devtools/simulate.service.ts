/**
 * `simulateNotification`: plays a scenario (scenario.ts) against this server's own endpoint, in-process,
 * with `_test` types only and signed here with the app's key. Every step is answered, logged and
 * published exactly like VK's requests, so it shows up in Logs (and the live tail) and, for a purchase,
 * in Transactions as a test payment. Nothing leaves the server; the key never appears in the result.
 *
 * The result shows every signed request, so each is signed through `signOnRequest` (signable.ts): the
 * caller's item id and what the catalog answered for it (title, photo URL) must fit VK's alphabet, else
 * the step is refused, unsent, as BAD_USER_INPUT on `itemId`.
 */
import type { EntityManager } from '@mikro-orm/core';
import { openCurrentKey } from '../secrets/app-keys.js';
import { getApp } from '../apps/apps.service.js';
import { badInput } from '../graphql/errors.js';
import type { Processed } from '../notifications/route.js';
import { signOnRequest, UnsignableError } from '../notifications/signable.js';
import type { Secrets } from '../secrets/secrets.js';
import { firstTester } from '../settings/testers.service.js';
import { runScenario, type ScenarioName, type ScenarioResult } from './scenario.js';

export interface SimulationRequest {
  scenario: ScenarioName;
  itemId: string;
  /** Default: the app's longest-standing payment tester, else user 1 (the log then warns it is no tester). */
  vkUserId?: number | null;
}

export async function simulateNotification(
  em: EntityManager,
  secrets: Secrets,
  vkAppId: number,
  input: SimulationRequest,
  processNotification: (rawBody: string) => Promise<Processed>,
): Promise<ScenarioResult & { vkUserId: number }> {
  const app = await getApp(em, vkAppId);
  const vkUserId = input.vkUserId ?? (await firstTester(em, app.id)) ?? 1;
  const key = openCurrentKey(secrets, app);
  const post = async (fields: Record<string, string>) => {
    const request = signOnRequest(fields, key);
    const started = performance.now();
    const answer = await processNotification(new URLSearchParams(request).toString());
    return { request, status: 200, text: answer.body, ms: performance.now() - started, logId: answer.logId ?? undefined };
  };
  try {
    const result = await runScenario(input.scenario, { app: vkAppId, user: vkUserId, item: input.itemId, test: true }, post);
    return { ...result, vkUserId };
  } catch (err) {
    if (!(err instanceof UnsignableError)) throw err;
    // Every value a caller can steer comes from the item: its id, or the catalog's title and photo URL for it.
    const whose = err.field === 'item' || err.field === 'item_id' ? 'the item id' : `the catalog's ${err.field} for this item`;
    throw badInput(
      'itemId',
      { reason: 'notAllowed', rule: 'unsignable' },
      `${whose} ${err.reason}; the simulation stopped before sending that step`,
    );
  }
}
