#!/usr/bin/env node
/**
 * Builds what the server serves at /widget/ from the sources (Lit included): the entry module
 * `vk-payments-admin.js` that a page loads with one `<script type="module">` tag, and beside it one
 * chunk per lazy view (src/lazy-views.ts) plus the chunks they share, named by their content's hash
 * so they can be cached for good. Prints each size against its budget (budget.mjs) and fails over
 * one rather than quietly growing. Then the script of the server's `/admin` page (src/page/),
 * outside the budgets: hosts that embed the widget never load it.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { minify } from 'terser';
import { checkBudgets } from './budget.mjs';
import { templates } from './squeeze.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = `${root}dist/`;
const ENTRY = 'dist/vk-payments-admin.js';
const pageOutfile = `${dist}admin-page.js`;
/** Where the server serves the module; the page's script imports the widget from there. */
const MODULE_URL = '/widget/vk-payments-admin.js';
/** `logs-5KQ2XJ7A.js`: esbuild's `[name]-[hash]` for chunks (the server serves names of this shape). */
const HASHED = /^[a-z][a-z0-9-]*-[A-Z0-9]{8}\.js(\.map)?$/;

// The chunks of earlier builds: their names change with their content.
for (const file of readdirSync(dist)) if (HASHED.test(file)) rmSync(`${dist}${file}`);

const { metafile } = await build({
  absWorkingDir: root,
  entryPoints: { 'vk-payments-admin': 'src/standalone.ts' },
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  sourcemap: true,
  legalComments: 'eof',
  // Russian texts as UTF-8, not \u escapes (three times the bytes).
  charset: 'utf8',
  // Lit's production build: no dev-mode warnings in hosts' consoles.
  conditions: ['production'],
  tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
  logLevel: 'warning',
  metafile: true,
  plugins: [templates],
});

// A second, slower pass: terser's compressor finds a few more percent than esbuild's.
const written = Object.keys(metafile.outputs).filter((file) => file.endsWith('.js'));
for (const file of written) {
  const path = `${root}${file}`;
  const squeezed = await minify(readFileSync(path, 'utf8'), {
    module: true,
    ecma: 2022,
    compress: { passes: 2 },
    format: { ascii_only: false, comments: false },
    sourceMap: { content: readFileSync(`${path}.map`, 'utf8'), url: `${file.slice('dist/'.length)}.map` },
  });
  writeFileSync(path, squeezed.code);
  writeFileSync(`${path}.map`, String(squeezed.map));
}

const over = checkBudgets(metafile.outputs, ENTRY, root);
if (over.length) {
  for (const line of over) console.error(line);
  process.exit(1);
}

/**
 * The admin page's script. It imports the widget's classes from `../index.js` in the sources; here
 * that import becomes one of the served module, so the page and the widget share one copy (and one
 * registration of the elements) instead of the page carrying a second Lit.
 */
await build({
  entryPoints: [new URL('../src/page/admin-page.ts', import.meta.url).pathname],
  outfile: pageOutfile,
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  sourcemap: true,
  charset: 'utf8',
  tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
  logLevel: 'warning',
  plugins: [
    {
      name: 'widget-from-the-served-module',
      setup(b) {
        b.onResolve({ filter: /^\.\.\/index\.js$/ }, () => ({ path: MODULE_URL, external: true }));
      },
    },
  ],
});
console.log(`widget: dist/admin-page.js ${(readFileSync(pageOutfile).length / 1024).toFixed(1)} KB minified (the /admin page's script)`);
