/**
 * How far V8 lets the heap grow between full collections. Under load the endpoint turns over ~12 MB/s
 * of short-lived objects that outlive two scavenges (requests waiting for their group commit, cache
 * churn); by default V8 lets the old generation grow to up to 4× its live size before collecting, so a
 * server with ~45 MB live peaked at 250–275 MB RSS in `pnpm bench`. A growth factor of 1.5 keeps it
 * near 170 MB for a full collection every couple of seconds (~10 ms each, most of it incremental).
 * An operator's own `node --heap-growing-percent=…` wins.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

/** V8 reads this flag at each full collection, so setting it after start-up takes effect. */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
