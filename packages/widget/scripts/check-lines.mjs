#!/usr/bin/env node
/**
 * Fails when a widget source file is over 250 lines: small modules with one job, each readable in a
 * sitting. Files in a `generated/` folder are exempt (written by a tool, never by hand). Runs first
 * in `pnpm build`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const MAX_LINES = 250;
const root = new URL('..', import.meta.url).pathname;

/** Every .ts file under `dir`, skipping `generated/` folders. */
function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'generated') yield* sources(path);
    } else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** The files of `dir` over the limit, as `path: N lines`. */
export function overLimit(dir) {
  const over = [];
  for (const path of sources(dir)) {
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > MAX_LINES) over.push(`${relative(root, path).split(sep).join('/')}: ${lines} lines`);
  }
  return over;
}

const over = overLimit(join(root, 'src'));
if (over.length) {
  console.error(`widget: source files over ${MAX_LINES} lines (split them; only generated/ is exempt):\n  ${over.join('\n  ')}`);
  process.exit(1);
}
