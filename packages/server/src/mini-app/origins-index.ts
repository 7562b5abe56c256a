/**
 * Every app's mini-app origins together, for CORS preflights (docs/protocol.md §9): a preflight carries no
 * launch string, so it cannot name its app, and is allowed from any origin some app lists. The request
 * that follows is held to its own app's list (the route). Cached in memory and dropped when the cluster
 * bus says the apps changed (or anything may have); never trusted while the bus cannot vouch for it.
 */
import { originMatcher } from '../apps/mini-app-origins.js';
import type { Bus } from '../cluster/bus.js';
import { readStringList, type SqlQueries } from '../db/sql.js';

const ALL_ORIGINS = 'select mini_app_origins from apps where mini_app_origins is not null';

export interface OriginsIndex {
  /** Whether some app lists `origin` (exactly, or under a wildcard). */
  allows(origin: string): Promise<boolean>;
}

type Matcher = (origin: string) => boolean;

export function originsIndex(sql: SqlQueries, bus: Bus): OriginsIndex {
  let cached: Promise<Matcher> | null = null;
  bus.subscribe((event) => {
    if (event.type === 'changed' && (event.table === null || event.table === 'apps')) cached = null;
  });
  const read = async (): Promise<Matcher> => originMatcher((await sql.all(ALL_ORIGINS)).flatMap((r) => readStringList(r.mini_app_origins)));
  // One read at a time, shared by every preflight waiting on it: without the bus's word each preflight
  // reads afresh, and a burst of them must not become as many reads of every app.
  let reading: Promise<Matcher> | null = null;
  const load = (): Promise<Matcher> =>
    (reading ??= read().finally(() => {
      reading = null;
    }));

  return {
    async allows(origin) {
      if (!(await bus.upToDate())) return (await load())(origin);
      if (!cached) {
        // Its own read, not one already under way: that one may have begun before the change that dropped the cache.
        const loading = read();
        cached = loading;
        // A failed load is not kept: the next preflight tries again.
        loading.catch(() => {
          if (cached === loading) cached = null;
        });
      }
      return (await cached)(origin);
    },
  };
}
