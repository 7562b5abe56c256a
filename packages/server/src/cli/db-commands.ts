/** What the CLI's database commands use, gathered so main.ts can load it on demand. */
export { createApp, listApps } from '../apps/apps.service.js';
export { resetRootToken } from '../auth/tokens.js';
export { migrate } from '../db/orm.js';
export { localAppSecret, withOrm } from './local.js';
