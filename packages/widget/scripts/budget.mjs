/**
 * The widget's size budgets, min+gzip, per thing a browser fetches:
 * - the entry (shell + settings + client): the module a page loads and every chunk it imports
 *   statically, which the browser fetches before anything shows;
 * - each lazy view: its chunk and the chunks it imports that the entry does not already hold, which
 *   is what opening its tab costs.
 * Sizes come from esbuild's metafile, measured on the files as written (after terser).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const ENTRY_BUDGET = 35 * 1024;
export const VIEW_BUDGET = 15 * 1024;

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** `file` and every output it imports statically (what the browser fetches along with it). */
function closure(outputs, file, into = new Set()) {
  if (into.has(file)) return into;
  into.add(file);
  for (const { path, kind } of outputs[file].imports) if (kind === 'import-statement' && outputs[path]) closure(outputs, path, into);
  return into;
}

/**
 * Prints each budget's size, writes them to dist/bundle-sizes.json, and returns the lines over budget
 * (empty when all fit).
 * `outputs` is esbuild's metafile.outputs (paths relative to `cwd`); `entry` is the entry's path there.
 */
export function checkBudgets(outputs, entry, cwd) {
  const gz = (file) => gzipSync(readFileSync(join(cwd, file)), { level: 9 }).length;
  const sum = (files) => [...files].reduce((n, file) => n + gz(file), 0);
  const entryFiles = closure(outputs, entry);
  const rows = [
    [`entry ${basename(entry)}${entryFiles.size > 1 ? ` + ${entryFiles.size - 1} shared chunk(s)` : ''}`, sum(entryFiles), ENTRY_BUDGET],
  ];
  const lazy = new Set();
  for (const file of entryFiles) for (const { path, kind } of outputs[file].imports) if (kind === 'dynamic-import') lazy.add(path);
  for (const chunk of [...lazy].sort()) {
    const own = [...closure(outputs, chunk)].filter((file) => !entryFiles.has(file));
    rows.push([`view  ${basename(chunk)}${own.length > 1 ? ` + ${own.length - 1} shared chunk(s)` : ''}`, sum(own), VIEW_BUDGET]);
  }
  // For the benchmark's report (packages/server/bench/bench.mjs); never served.
  const sizes = rows.map(([name, size, budget]) => ({ name: name.replace(/\s+/g, ' '), bytes: size, budget }));
  writeFileSync(join(cwd, 'dist/bundle-sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
  const over = [];
  for (const [name, size, budget] of rows) {
    const line = `widget: ${name.padEnd(52)} ${kb(size).padStart(8)} min+gzip (budget ${kb(budget)})`;
    console.log(line);
    if (size > budget) over.push(`${line}: over by ${kb(size - budget)}`);
  }
  return over;
}
