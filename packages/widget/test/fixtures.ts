/** What global-setup.ts puts into the server, shared with the browser tests that look for it. */
export const TEST_TOKEN = 'widget-test-root-token-0123456789';

export const SEED = {
  vkAppId: 4242,
  appName: 'Widget test app',
  secretKey: 'AbCdEf0123456789XyZw',
  itemTitle: 'Gem pack',
  vkUserId: 55,
} as const;
