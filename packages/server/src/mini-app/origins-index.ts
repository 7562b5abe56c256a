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
  const load = async (): Promise<Matcher> => originMatcher((await sql.all(ALL_ORIGINS)).flatMap((r) => readStringList(r.mini_app_origins)));

  return {
    async allows(origin) {
      if (!(await bus.upToDate())) return (await load())(origin);
      if (!cached) {
        const loading = load();
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
