/** What the CLI's database commands use, gathered so main.ts can load it on demand. */
export { listApps } from '../apps/apps.service.js';
export { createApp } from '../settings/app-admin.service.js';
export { resetRootToken } from '../keys/tokens.js';
export { describeKeySource } from '../secrets/key-file.js';
export { localAppSecret, prepareDatabase, rotateLocalSecrets, withDatabase, type LocalDatabase } from './local.js';
