/**
 * The admin API (GraphQL, the export, the WebSocket), loaded once and on demand: a cold start answers VK
 * before the ORM is up (api.ts). WebSocket upgrades that came sooner are let through once it is loaded,
 * and dropped if it fails to load.
 */
import type { Api, ApiOptions } from './api.js';
import type { ParkedUpgrades } from './parked-upgrades.js';

export interface ApiLoader {
  /** Loads the API (once); every caller gets the same one. */
  load(): Promise<Api>;
  /** The API once loaded; undefined before. */
  readonly loaded: Api | undefined;
  /** The load under way or done, if it was asked for. */
  readonly loading: Promise<Api> | undefined;
}

export function apiLoader(options: () => ApiOptions, upgrades: ParkedUpgrades): ApiLoader {
  let loading: Promise<Api> | undefined;
  let loaded: Api | undefined;
  return {
    load: () =>
      (loading ??= import('./api.js')
        .then(({ loadApi }) => loadApi(options()))
        .then(
          (api) => {
            loaded = api;
            upgrades.release();
            return api;
          },
          (err: unknown) => {
            upgrades.drop();
            throw err;
          },
        )),
    get loaded() {
      return loaded;
    },
    get loading() {
      return loading;
    },
  };
}
