/**
 * Subscription statistics (docs/protocol.md §8 "Statistics → Payments"): the app's real subscriptions'
 * history (subscriptions/subscription-event.entity.ts), replayed by subscription-history.ts into the same
 * calendar periods as `paymentStats`. Test subscriptions never count (ARCHITECTURE.md §2).
 */
import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { readBoolean, readDate } from '../db/sql.js';
import { SubscriptionEvent } from '../subscriptions/subscription-event.entity.js';
import { resolvePeriods, type PaymentStatsArgsData } from './stats.service.js';
import { SubscriptionHistory, type HistoryEvent, type SubscriptionStatsResult } from './subscription-history.js';

const BATCH_SIZE = 5000;
const FIELDS = [
  'id',
  'subscriptionId',
  'vkUserId',
  'status',
  'cancelReason',
  'pendingCancel',
  'price',
  'periodDays',
  'nextBillTime',
  'charge',
  'occurredAt',
] as const;

/**
 * The app's real history up to `before`, in commit order and id batches (the app+test+id index), only the
 * columns stats need, so memory holds one batch and a state per subscription.
 */
async function* historyRows(em: EntityManager, appId: number, before: Date): AsyncGenerator<HistoryEvent[]> {
  let after = 0;
  for (;;) {
    const rows = await (em as SqlEntityManager) // both drivers of db/orm.ts are SQL drivers
      .createQueryBuilder(SubscriptionEvent)
      .select([...FIELDS])
      .where({ app: appId, test: false, id: { $gt: after }, occurredAt: { $lt: before } })
      .orderBy({ id: 'asc' })
      .limit(BATCH_SIZE)
      .execute('all', true);
    if (rows.length === 0) return;
    after = rows.at(-1)!.id;
    // Raw rows: PostgreSQL hands bigint back as text, SQLite booleans as 0/1 and dates as epoch ms.
    yield rows.map((r) => ({
      subscriptionId: String(r.subscriptionId),
      vkUserId: Number(r.vkUserId),
      status: r.status,
      cancelReason: r.cancelReason ?? null,
      pendingCancel: readBoolean(r.pendingCancel),
      price: Number(r.price),
      periodDays: r.periodDays === null || r.periodDays === undefined ? null : Number(r.periodDays),
      nextBillTime: readDate(r.nextBillTime),
      charge: readBoolean(r.charge),
      occurredAt: readDate(r.occurredAt)!,
    }));
    if (rows.length < BATCH_SIZE) return;
  }
}

export async function subscriptionStats(em: EntityManager, appId: number, input: PaymentStatsArgsData): Promise<SubscriptionStatsResult> {
  const { periods } = resolvePeriods(input);
  const history = new SubscriptionHistory(periods);
  for await (const batch of historyRows(em, appId, periods.at(-1)!.end)) for (const e of batch) history.add(e);
  return history.result();
}
