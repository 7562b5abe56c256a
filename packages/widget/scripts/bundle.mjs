#!/usr/bin/env node
/**
 * Builds the self-contained module for a `<script type="module">` tag (Lit included), which the
 * server serves at /widget/vk-payments-admin.js, and prints its size. The budget: 35 KB
 * min+gzip; over it, the build fails rather than quietly growing.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const BUDGET_BYTES = 35 * 1024;
const outfile = new URL('../dist/vk-payments-admin.js', import.meta.url).pathname;

await build({
  entryPoints: [new URL('../src/standalone.ts', import.meta.url).pathname],
  outfile,
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  sourcemap: true,
  legalComments: 'eof',
  // Lit's production build: no dev-mode warnings in hosts' consoles.
  conditions: ['production'],
  tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
  logLevel: 'warning',
});

const code = readFileSync(outfile);
const gz = gzipSync(code, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`widget: dist/vk-payments-admin.js ${kb(code.length)} minified, ${kb(gz)} min+gzip (budget ${kb(BUDGET_BYTES)})`);
if (gz > BUDGET_BYTES) {
  console.error(`widget: over the size budget by ${kb(gz - BUDGET_BYTES)}`);
  process.exit(1);
}
