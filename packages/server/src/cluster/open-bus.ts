/** The bus of the store in use: LISTEN/NOTIFY on PostgreSQL, in-process on SQLite (bus.ts). */
import type { Database } from '../config.js';
import type { Sql } from '../db/sql.js';
import type { Bus } from './bus.js';
import { createLocalBus } from './local-bus.js';
import { createPgBus } from './pg-bus.js';

/** `sql`: the endpoint's own connection (on SQLite its data_version tells other connections' commits). */
export function openBus(database: Database, sql: Sql, onError: (err: unknown, what: string) => void): Bus {
  return database.dialect === 'postgresql' ? createPgBus({ url: database.url, onError }) : createLocalBus({ sql, onError });
}
