/**
 * What the endpoint's connections (sql.ts) and the API's ORM (orm.ts) are opened with. Its own module so
 * that the endpoint, which loads first at a cold start, does not load the ORM to read two constants.
 */

/**
 * Every SQLite connection of the server commits durably: a commit is on disk (the WAL fsynced) before
 * it returns, so an order we answered survives a power cut — VK does not resend it. Group commit
 * (group-commit.ts) shares that fsync among the writes of an event-loop turn.
 */
export const SQLITE_SYNCHRONOUS = 'full';

export interface PoolOptions {
  /** PostgreSQL: the most connections one pool opens (config `pgPoolSize`, README "Running several instances"). */
  poolSize?: number;
}

/** Without a configured size (tests, the CLI): what a two-core machine gets by default (config.ts). */
export const FALLBACK_PG_POOL_SIZE = 4;

/**
 * The cluster bus's LISTEN connection (cluster/pg-bus.ts); here, not in orm.ts, so that the endpoint's
 * start does not load the ORM (README "Performance", cold start).
 * - connectMs / queryMs: opening it, and the longest wait for an answer (sending events);
 * - heartbeatMs / heartbeatAnswerMs: how often an idle connection is asked `select 1`, and how long the
 *   answer may take before the connection is given up (a silently dead one is not noticed by TCP for long);
 * - staleMs: past this without any answer or event on it, the caches are bypassed (upToDate false), so a
 *   change made on another instance holds here within a second or so (README "Running several instances").
 */
export const PG_BUS_TIMEOUTS = { connectMs: 2_000, queryMs: 6_000, heartbeatMs: 1_000, heartbeatAnswerMs: 1_000, staleMs: 1_500 } as const;
