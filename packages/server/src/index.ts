/** The server package's public surface: start a server, and VK's signature for your own code. */
export { createServer, type VkPaymentsServer, type ServerOptions } from './http/server.js';
export { loadConfig, ConfigError, type Config, type Database } from './config.js';
export { canonicalString, computeSig, signParams, verifySig, type SignableParams } from './notifications/signature.js';
export { handleNotification, type CoreDeps, type HandledNotification } from './notifications/handle.js';
export type { NotificationStore, SyncFulfilment } from './notifications/store.js';
