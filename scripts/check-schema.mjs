#!/usr/bin/env node
// Fails when packages/server/schema.graphql differs from what the built server prints
// (`vk-payments schema`). Build first (`pnpm -r build`); regenerate with `pnpm schema`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const committed = readFileSync(`${root}packages/server/schema.graphql`, 'utf8');
const built = execFileSync(process.execPath, [`${root}packages/server/dist/cli/main.js`, 'schema'], { encoding: 'utf8' });
if (built !== committed) {
  const a = committed.split('\n');
  const b = built.split('\n');
  const line = a.findIndex((l, i) => l !== b[i]);
  process.stderr.write(
    `packages/server/schema.graphql is stale: it differs from the built server's schema from line ${line + 1}\n` +
      `  committed: ${a[line] ?? '(end of file)'}\n  built:     ${b[line] ?? '(end of file)'}\n` +
      'Run `pnpm -r build && pnpm schema` and commit the result.\n',
  );
  process.exit(1);
}
process.stdout.write('packages/server/schema.graphql matches the built server\n');
