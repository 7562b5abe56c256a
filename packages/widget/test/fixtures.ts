/** What global-setup.ts puts into the server, shared with the browser tests that look for it. */
export const TEST_TOKEN = 'widget-test-root-token-0123456789';

export const SEED = {
  vkAppId: 4242,
  appName: 'Widget test app',
  secretKey: 'AbCdEf0123456789XyZw',
  itemTitle: 'Gem pack',
  vkUserId: 55,
} as const;

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** Signs `fields` with the seeded app's secret, as VK does, and posts them to the server; the answer's text. */
    vkpNotify(fields: Record<string, string | number>): Promise<string>;
    /** The server cuts every WebSocket connection it has open, as a restart or a network drop would; how many it cut. */
    vkpDropSockets(): Promise<number>;
    /** A local game backend answers every fulfilment event with `status` from now on; its URL (test/game-backend.ts). */
    vkpGameBackend(status: number): Promise<string>;
  }
}
