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
