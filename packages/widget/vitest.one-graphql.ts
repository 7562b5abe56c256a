import { createRequire } from 'node:module';

/**
 * The widget's tests start the real server inside vitest. Its graphql must be the one type-graphql
 * builds the schema with: vite would otherwise load graphql's ESM build for the server's own modules and
 * the CommonJS build for type-graphql, two "realms" whose schemas and errors the other does not
 * recognise (the server's own tests do the same).
 */
export const oneGraphql = [
  { find: /^graphql$/, replacement: createRequire(new URL('../server/package.json', import.meta.url)).resolve('graphql') },
];
