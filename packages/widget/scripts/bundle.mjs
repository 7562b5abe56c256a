#!/usr/bin/env node
/**
 * Builds the self-contained module for a `<script type="module">` tag (Lit included), which the
 * server serves at /widget/vk-payments-admin.js, and prints its size. The budget: 35 KB
 * min+gzip; over it, the build fails rather than quietly growing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minifyTemplates, writeFiles } from 'esbuild-minify-templates';
import { minify } from 'terser';

export const BUDGET_BYTES = 35 * 1024;
const outfile = new URL('../dist/vk-payments-admin.js', import.meta.url).pathname;

/** Minifies the CSS inside css`…` templates (no `${}` in ours): comments and spaces around punctuation. */
export function minifyCss(css) {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    // Not around + - ~ (calc() needs them spaced) nor before ':' (a descendant `a :hover` differs from `a:hover`).
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}')
    .trim();
}

/** esbuild plugin: our sources' css`…` templates, minified before bundling. */
const cssTemplates = {
  name: 'css-templates',
  setup(b) {
    b.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      return { contents: source.replace(/css`([^`$]*)`/g, (_, css) => `css\`${minifyCss(css)}\``), loader: 'ts' };
    });
  },
};

await build({
  entryPoints: [new URL('../src/standalone.ts', import.meta.url).pathname],
  outfile,
  bundle: true,
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
  // esbuild keeps template literals as written: the indentation inside html`` and css`` is most of a
  // Lit bundle's fat. This collapses it after bundling (hence write: false and writeFiles).
  plugins: [cssTemplates, minifyTemplates(), writeFiles()],
  write: false,
});

// A second, slower pass: terser's compressor finds a few more percent than esbuild's.
const squeezed = await minify(readFileSync(outfile, 'utf8'), {
  module: true,
  ecma: 2022,
  compress: { passes: 2 },
  format: { ascii_only: false, comments: false },
  sourceMap: { content: readFileSync(`${outfile}.map`, 'utf8'), url: 'vk-payments-admin.js.map' },
});
writeFileSync(outfile, squeezed.code);
writeFileSync(`${outfile}.map`, String(squeezed.map));

const code = readFileSync(outfile);
const gz = gzipSync(code, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`widget: dist/vk-payments-admin.js ${kb(code.length)} minified, ${kb(gz)} min+gzip (budget ${kb(BUDGET_BYTES)})`);
if (gz > BUDGET_BYTES) {
  console.error(`widget: over the size budget by ${kb(gz - BUDGET_BYTES)}`);
  process.exit(1);
}
