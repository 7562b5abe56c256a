/**
 * The README's "Scripts" section, run exactly as printed (every bash block in order, as one script)
 * against a real server, so the examples people copy cannot rot. Needs the built CLI and pnpm, as
 * `pnpm test` has them.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_DIALECT, startTestServer, type TestServer } from './helpers.js';

const ROOT_DIR = fileURLToPath(new URL('../../..', import.meta.url));

/** The bash blocks between the README's scripts markers, joined into one script. */
function readmeScript(): { script: string; rootToken: string } {
  const readme = readFileSync(`${ROOT_DIR}/README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('<!-- scripts:begin -->'), readme.indexOf('<!-- scripts:end -->'));
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const rootToken = /export VKP_ADMIN_TOKEN=(\S+)/.exec(blocks[0] ?? '')?.[1];
  if (blocks.length < 5 || !rootToken) throw new Error('the README lost its scripts section markers or its root token line');
  return { script: `set -euo pipefail\n${blocks.join('\n')}`, rootToken };
}

let t: TestServer;
const { script, rootToken } = readmeScript();

beforeAll(async () => {
  t = await startTestServer(DEFAULT_DIALECT, { VKP_ADMIN_TOKEN: rootToken });
});
afterAll(() => t?.close());

it("runs the README's Scripts section as printed: app, key, catalog, purchases, approval, stats, CSV, widget session", async () => {
  const { stdout } = await promisify(execFile)('bash', ['-c', script], {
    cwd: ROOT_DIR,
    env: { ...process.env, VKP: t.url },
    timeout: 60_000,
  });
  expect(stdout).not.toMatch(/"errors"/);
  expect(stdout).toContain('"secretKeyHint":"••••XyZw"');
  expect(stdout).toContain('"addedBy":"key 1 \\"game backend\\" (PAYMENTS_ADMIN)"');
  expect(stdout.match(/✓ a valid success answer/g)).toHaveLength(4);
  expect(stdout).toContain('"ready":true');
  expect(stdout).toContain('"votesPaymentsEnabled":true');
  // Three real purchases of 5 votes; the tester's test purchase is not counted.
  expect(stdout).toContain('{"totals":{"revenue":15,"orders":3,"payingUsers":3,"arppu":5}}');
  expect(stdout).toContain('"summary":{"credits":{"count":3,"votes":15},"refunds":{"votes":0},"net":15}');
  expect(stdout).toContain('appOrderId,orderId,subscriptionId,createdAt,vkUserId,itemId,title,price,status,refundedAt,test');
  expect(stdout).toMatch(/session until \d{4}-\d\d-\d\dT/);
  expect(stdout).not.toContain('AbCdEf0123456789XyZw"'); // the secret only ever appears in the commands, never in an answer
});
