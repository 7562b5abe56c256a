/**
 * The import rules of the monorepo, checked by `pnpm lint` (scripts/lint.sh). ARCHITECTURE.md
 * ("Layers and modules") explains them; keep the two in step.
 */
const SERVER = '^packages/server/src/';

/**
 * The server's folders under packages/server/src, bottom to top. A file may import from its own folder
 * and from folders listed before (below) it, never from one listed after it: every import points down,
 * so no two folders can depend on each other.
 */
const LAYERS = [
  // Infrastructure: knows nothing of payments.
  ['net', 'db', 'secrets', 'cluster'],
  // Core: who may do what, the VK notification endpoint, the GraphQL API's shared vocabulary.
  ['access', 'notifications', 'graphql'],
  // Features: one folder per domain, each with its entities, services and resolvers.
  [
    'apps',
    'audit',
    'keys',
    'catalog',
    'settings',
    'logs',
    'fulfilment',
    'orders',
    'subscriptions',
    'customers',
    'stats',
    'moderation',
    'devtools',
    'export',
    'observability',
    'alerts',
    'mini-app',
  ],
  // Edges: the HTTP server and the command line, which wire everything together.
  ['http', 'cli'],
];

const FOLDERS = LAYERS.flat();

/**
 * The two registries list every feature's resolvers and entities, so they may import from any folder:
 * the API builds its schema from one (http/api.ts), the ORM opens with the other (db/orm.ts).
 */
const REGISTRIES = `${SERVER}(graphql/schema|db/entities)\\.ts$`;

const TESTS = '\\.test\\.ts$';

/** A file directly in packages/server/src (config.ts, index.ts) or in a folder of LAYERS. */
const KNOWN = `${SERVER}([^/]+\\.ts$|(${FOLDERS.join('|')})/)`;

const pointsDown = FOLDERS.slice(0, -1).map((folder, i) => ({
  name: `layers: ${folder}`,
  severity: 'error',
  comment: `${folder} may import only the folders below it (${FOLDERS.slice(0, i).join(', ') || 'none'}).`,
  from: { path: `${SERVER}${folder}/`, pathNot: [REGISTRIES, TESTS] },
  to: { path: `${SERVER}(${FOLDERS.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...pointsDown,
    {
      name: 'layers: config',
      severity: 'error',
      comment: 'config.ts is read by every layer, so it imports only infrastructure.',
      from: { path: `${SERVER}config\\.ts$` },
      to: { path: SERVER, pathNot: `${SERVER}(config\\.ts|net/|secrets/)` },
    },
    {
      name: 'layers: unknown folder',
      severity: 'error',
      comment: 'Every folder of packages/server/src has its place in LAYERS (.dependency-cruiser.cjs).',
      from: {},
      to: { path: SERVER, pathNot: KNOWN },
    },
    {
      name: 'layers: unknown folder',
      severity: 'error',
      comment: 'Every folder of packages/server/src has its place in LAYERS (.dependency-cruiser.cjs).',
      from: { path: SERVER, pathNot: KNOWN },
      to: {},
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No file imports itself through others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'widget-not-server',
      severity: 'error',
      comment: 'The widget runs in a browser: it talks to the server over GraphQL only.',
      from: { path: '^packages/widget/' },
      to: { path: '^packages/server/|@vk-payments/server' },
    },
    {
      name: 'shared-imports-nothing-of-ours',
      severity: 'error',
      comment: 'packages/shared is imported by both sides, so it imports neither.',
      from: { path: '^packages/shared/' },
      to: { path: '^packages/(server|widget)/|@vk-payments/(server|widget)' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
