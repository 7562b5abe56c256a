import { defineConfig } from 'vitest/config';
import { oneGraphql } from './vitest.one-graphql.js';

/**
 * The embedding check, in Node: a real vk-payments server, the README's tiny host backend on another
 * origin, and Chromium driven by Playwright loading the host's plain HTML page.
 */
export default defineConfig({
  resolve: { alias: oneGraphql },
  test: {
    include: ['embed-test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
