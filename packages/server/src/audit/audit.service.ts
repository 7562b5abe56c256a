/**
 * The audit trail: every change of settings, testers, catalog, secret, keys and moderation, with who
 * made it and the values before and after. Secret values never enter it (callers pass hints instead).
 */
import type { EntityManager } from '@mikro-orm/core';
import { describeActor, type Principal } from '../access/permissions.js';
import { AuditEvent } from './audit-event.entity.js';

export interface AuditEntry {
  appId: number | null;
  action: string;
  target?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/**
 * Adds the event to the unit of work: it commits with the change it describes (the caller flushes).
 * `principal` null is the server itself (e.g. creating the demo app at first start).
 */
export function audit(em: EntityManager, principal: Principal | null, e: AuditEntry): void {
  em.create(AuditEvent, {
    app: e.appId,
    action: e.action,
    actor: principal ? describeActor(principal) : 'system',
    target: e.target ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
  });
}

/** The fields of an entity worth recording, as plain JSON (dates as ISO strings). */
export function snapshot<T extends object>(
  entity: T | null | undefined,
  fields: readonly (keyof T & string)[],
): Record<string, unknown> | null {
  if (!entity) return null;
  return Object.fromEntries(fields.map((f) => [f, entity[f] instanceof Date ? (entity[f] as Date).toISOString() : entity[f]]));
}
