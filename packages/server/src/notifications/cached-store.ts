/**
 * The endpoint's reads, cached in process: every notification asks for its app (keys decrypted) and most
 * for an item, a plan or a tester, and these change only when an operator changes them. The cache never
 * trusts time (README "Running several instances"): entries go when the bus says their app changed, all
 * of them when it says anything may have changed, and nothing is served from cache while the bus cannot
 * vouch for it (`upToDate()`: PostgreSQL's LISTEN connection is away; on SQLite it first looks whether
 * another connection committed). Time-based rules stay with the caller: a cached app keeps
 * `previousSecretExpiresAt`, and the previous key stops verifying then (handle.ts verifyWithKeys).
 *
 * Misses are cached too (an unknown app_id, item or tester), and every cache is an LRU with a cap: anyone
 * can send random app_ids, so memory must not grow with what they send.
 */
import { LRUCache } from 'lru-cache';
import type { Bus } from '../cluster/bus.js';
import type { EndpointStore } from './sql-store.js';
import type { AppRecord, ItemRecord, PlanRecord } from './store.js';

/** Entries per cache (apps, items, plans, testers): far more than any deployment's hot set, a few MB at most. */
export const CACHE_ENTRIES = 10_000;

/** lru-cache holds no null: a miss is cached as `{ value: null }`. */
interface Box<T> {
  value: T;
}

export function cachedStore(store: EndpointStore, bus: Bus, max = CACHE_ENTRIES): EndpointStore {
  const apps = new LRUCache<number, Box<Readonly<AppRecord> | null>>({ max });
  // Keyed `${appId}:${itemId}` / `${appId}:${vkUserId}`: the app id comes first, to drop an app's entries.
  const items = new LRUCache<string, Box<Readonly<ItemRecord> | null>>({ max });
  const plans = new LRUCache<string, Box<Readonly<PlanRecord> | null>>({ max });
  const testers = new LRUCache<string, Box<boolean>>({ max });
  const byApp = [items, plans, testers];
  /** Moves at every invalidation: a read that began before one must not store what it read. */
  let generation = 0;

  bus.subscribe((event) => {
    if (event.type !== 'changed') return;
    generation++;
    if (event.appIds === null) {
      apps.clear();
      for (const cache of byApp) cache.clear();
      return;
    }
    const appIds = new Set(event.appIds);
    const vkAppIds = new Set(event.vkAppIds);
    // An app's own row, its fulfilment endpoint (findApp joins it), or a miss for a vkAppId just created.
    const staleApps = [...apps.entries()].filter(
      ([vkAppId, { value }]) => vkAppIds.has(vkAppId) || (value !== null && appIds.has(value.id)),
    );
    for (const [vkAppId] of staleApps) apps.delete(vkAppId);
    for (const cache of byApp) {
      for (const key of [...cache.keys()]) if (appIds.has(Number(key.slice(0, key.indexOf(':'))))) cache.delete(key);
    }
  });

  async function cached<K extends string | number, V>(cache: LRUCache<K, Box<V>>, key: K, load: () => Promise<V>): Promise<V> {
    if (!(await bus.upToDate())) return load();
    const hit = cache.get(key);
    if (hit) return hit.value;
    const before = generation;
    const value = await load();
    if (generation === before) cache.set(key, { value });
    return value;
  }

  // Frozen: one record serves every request of its app, and none may change it for the others.
  const frozen = <T extends object>(record: T | null): Readonly<T> | null => (record ? Object.freeze(record) : null);

  return {
    ...store,
    findApp: (vkAppId) => cached(apps, vkAppId, async () => frozen(await store.findApp(vkAppId))),
    findCatalogItem: (appId, itemId) => cached(items, `${appId}:${itemId}`, async () => frozen(await store.findCatalogItem(appId, itemId))),
    findSubscriptionPlan: (appId, itemId) =>
      cached(plans, `${appId}:${itemId}`, async () => frozen(await store.findSubscriptionPlan(appId, itemId))),
    isPaymentTester: (appId, vkUserId) => cached(testers, `${appId}:${vkUserId}`, () => store.isPaymentTester(appId, vkUserId)),
  };
}
