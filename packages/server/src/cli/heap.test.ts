import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { boundHeapGrowth } from './heap.js';

// The built module, as `vk-payments serve` runs it (the tests run after the build).
const HEAP = fileURLToPath(new URL('../../dist/cli/heap.js', import.meta.url));

/**
 * The largest heap a child process reaches while it keeps ~40 MB live and turns over objects that
 * outlive a few scavenges (as requests waiting for a commit do), with or without the bound.
 */
function peakHeapMb(bound: boolean): number {
  const script = `
    const { boundHeapGrowth } = await import(${JSON.stringify(HEAP)});
    if (${bound}) boundHeapGrowth([]);
    const live = Array.from({ length: 400_000 }, (_, i) => ({ i, s: 'x' + i }));
    const recent = [];
    let peak = 0;
    // Event-loop turns, as a server has: V8's incremental marking runs between them.
    for (let turn = 0; turn < 2_000; turn++) {
      for (let k = 0; k < 100; k++) {
        recent.push(Array.from({ length: 40 }, (_, j) => ({ j })));
        if (recent.length > 3_000) recent.splice(0, 1_000);
      }
      peak = Math.max(peak, process.memoryUsage().heapTotal);
      await new Promise((r) => setImmediate(r));
    }
    console.log(JSON.stringify({ peak, live: live.length }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return (JSON.parse(out) as { peak: number }).peak / 2 ** 20;
}

describe('the server bounds how far its heap grows between full collections', () => {
  it('keeps the peak heap well below what V8 reaches by default under churn', () => {
    const unbounded = peakHeapMb(false);
    const bounded = peakHeapMb(true);
    expect(bounded).toBeLessThan(unbounded * 0.8);
  }, 60_000);

  it("leaves an operator's own --heap-growing-percent alone", () => {
    expect(boundHeapGrowth(['--heap-growing-percent=80'])).toBe(false);
    expect(boundHeapGrowth(['--heap_growing_percent=80'])).toBe(false);
  });
});
