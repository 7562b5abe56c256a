/**
 * Payment testers ("Тестировщики платежей" in VK's panel; docs/protocol.md §5): users whose payments VK runs
 * in test mode and reports as `_test` notifications. VK's panel keeps this list for VK; ours mirrors
 * it so the log can flag a `_test` notification from anybody else.
 */
import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { audit } from '../audit/audit.service.js';
import { describeActor, type Principal } from '../access/permissions.js';
import { firstCommitWins } from '../db/conflicts.js';
import { badInput, parseInput } from '../graphql/errors.js';
import { PaymentTester } from './payment-tester.entity.js';

/** A list this long is a mistake (a script adding users in a loop), not a team of testers. */
export const MAX_TESTERS_PER_APP = 1000;

const vkUserIdInput = z.object({ vkUserId: z.number().int().min(1, 'must be a positive VK user id') });

/** Newest first. */
export async function listTesters(em: EntityManager, appId: number): Promise<PaymentTester[]> {
  return em.find(PaymentTester, { app: appId }, { orderBy: { addedAt: 'desc', id: 'desc' } });
}

/** The tester a `_test` check notification is sent for: the longest-standing one, if any. */
export async function firstTester(em: EntityManager, appId: number): Promise<number | null> {
  return (await em.findOne(PaymentTester, { app: appId }, { orderBy: { addedAt: 'asc', id: 'asc' } }))?.vkUserId ?? null;
}

/**
 * Adds the user. Idempotent: adding someone already on the list returns their existing row unchanged
 * (and records nothing, since nothing changed) — also when two requests add the same user at once.
 */
export async function addTester(em: EntityManager, principal: Principal, appId: number, vkUserId: number): Promise<PaymentTester> {
  parseInput(vkUserIdInput, { vkUserId });
  const existing = () => em.findOne(PaymentTester, { app: appId, vkUserId });
  const found = await existing();
  if (found) return found;
  if ((await em.count(PaymentTester, { app: appId })) >= MAX_TESTERS_PER_APP) {
    throw badInput(
      'vkUserId',
      { reason: 'tooMany', max: MAX_TESTERS_PER_APP },
      `an app has at most ${MAX_TESTERS_PER_APP} payment testers; remove some first`,
    );
  }
  return firstCommitWins(
    async () => {
      const tester = em.create(PaymentTester, { app: appId, vkUserId, addedBy: describeActor(principal) });
      audit(em, principal, { appId, action: 'tester.add', target: String(vkUserId), after: { vkUserId } });
      await em.flush();
      return tester;
    },
    async () => {
      em.clear(); // the losing insert and its audit event must not be retried by a later flush
      return existing();
    },
  );
}

/** True when the user was on the list. */
export async function removeTester(em: EntityManager, principal: Principal, appId: number, vkUserId: number): Promise<boolean> {
  const tester = await em.findOne(PaymentTester, { app: appId, vkUserId });
  if (!tester) return false;
  audit(em, principal, {
    appId,
    action: 'tester.remove',
    target: String(vkUserId),
    before: { vkUserId, addedAt: tester.addedAt.toISOString(), addedBy: tester.addedBy },
  });
  em.remove(tester);
  await em.flush();
  return true;
}
