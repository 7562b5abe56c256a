/**
 * SQLite's write lock held by another process (test/fixtures/hold-write-lock.mjs): what a CLI command or
 * a second instance does to the server's file, for the tests of a locked database.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const LOCKER = fileURLToPath(new URL('./fixtures/hold-write-lock.mjs', import.meta.url));

/** Resolves once the other process holds the file's write lock; it keeps it until `release()`. */
export async function holdWriteLock(path: string): Promise<{ release(): Promise<void> }> {
  const child = spawn(process.execPath, [LOCKER, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
    void exited.then(() => reject(new Error('the lock holder exited before taking the lock')));
  });
  return {
    async release() {
      child.stdin.end();
      await exited;
    },
  };
}
