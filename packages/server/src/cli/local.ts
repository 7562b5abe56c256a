/** CLI access to the local database, for commands run on the server's own machine. */
import { App } from '../apps/app.entity.js';
import type { Config } from '../config.js';
import { openOrm, type Orm } from '../db/orm.js';

export async function withOrm<T>(config: Config, fn: (orm: Orm) => Promise<T>): Promise<T> {
  const orm = await openOrm(config.database);
  try {
    return await fn(orm);
  } finally {
    await orm.close();
  }
}

/** The app's secret from the local database, so the simulator can sign like VK without it being typed. */
export async function localAppSecret(config: Config, vkAppId: number): Promise<string> {
  return withOrm(config, async (orm) => {
    const app = await orm.em.fork().findOne(App, { vkAppId }, { fields: ['secretKey'] });
    if (!app) throw new Error(`app ${vkAppId} is not in the local database (${describeDatabase(config)}); pass --secret instead`);
    return app.secretKey;
  });
}

export function describeDatabase(config: Config): string {
  return config.database.dialect === 'sqlite' ? config.database.path : new URL(config.database.url).host + new URL(config.database.url).pathname;
}
