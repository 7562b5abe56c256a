import { UniqueConstraintViolationException } from '@mikro-orm/core';

/**
 * Runs `attempt`; when it loses a race on a unique key (another request, or another instance, committed
 * the same thing first), returns what `winner` finds instead. This is how a repeated or concurrent
 * notification gets the first one's answer (docs/protocol.md §1) on SQLite and PostgreSQL alike.
 */
export async function firstCommitWins<T>(attempt: () => Promise<T>, winner: () => Promise<T | null>): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    if (!(err instanceof UniqueConstraintViolationException)) throw err;
    const found = await winner();
    if (found === null) throw err;
    return found;
  }
}
