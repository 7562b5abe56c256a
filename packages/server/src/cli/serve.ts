/**
 * `vk-payments serve` (what `pnpm start` runs): migrate, create the root token and the demo app when
 * the database is new, listen, and print how to reach it. Stops gracefully on SIGINT/SIGTERM; a failure
 * that reaches the process drains it the same way and exits non-zero (uncaught.ts).
 */
import { DEMO_ITEM, DEMO_PLAN, ensureDemoApp } from '../apps/demo.js';
import { ensureRootToken } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { createServer } from '../http/server.js';
import { describeKeySource } from '../secrets/key-file.js';
import { describeDatabase } from './local.js';
import { asyncStdout } from './log-stream.js';
import type { Print } from './simulate.js';
import { drainOnUncaught } from './uncaught.js';

export async function serve(config: Config, print: Print): Promise<void> {
  // Structured JSON logs (pino), written asynchronously (log-stream.ts); tokens in headers are never written.
  const log = asyncStdout();
  const server = await createServer(config, { logger: { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'], stream: log.stream } });
  const guard = drainOnUncaught(server, server.http.log);
  const em = server.orm.em.fork();
  const rootToken = await ensureRootToken(em, config.adminToken);
  const demo = config.demo ? await ensureDemoApp(em, server.secrets) : null;
  const url = await server.listen();

  print(`vk-payments is listening on ${url}`);
  print(`  database:           ${config.database.dialect} (${describeDatabase(config)})`);
  print(`  secrets key:        ${describeKeySource(server.secretsKeySource)}`);
  print(`  VK notification URL: ${config.publicUrl ?? url}/vk/payments`);
  print(`  GraphQL:            ${url}/graphql`);
  print(`  Admin page:         ${url}/admin`);
  if (rootToken) {
    print('');
    print(`  Root token (shown once; store it now, or set VKP_ADMIN_TOKEN): ${rootToken}`);
    if (demo) print(`  Open the demo app:  ${url}/admin#token=${rootToken}&app=${demo.vkAppId}`);
  } else if (!config.adminToken) {
    print('  Root token: printed at first start (lost it? `pnpm vk-payments token reset`)');
  }
  if (demo) {
    print('');
    print(`  Demo app ${demo.vkAppId} created with item "${DEMO_ITEM}" and subscription "${DEMO_PLAN}".`);
    print('  Send it a test purchase from another shell:');
    print(`    pnpm vk-payments simulate order_status_change_test --app ${demo.vkAppId} --item ${DEMO_ITEM} --user 1`);
    print('  and see it in the transactions:');
    print(`    curl -s ${url}/graphql -H 'content-type: application/json' -H 'authorization: Bearer <root token>' \\`);
    print(`      -d '{"query":"{ transactions(vkAppId: ${demo.vkAppId}) { totalCount edges { node { orderId appOrderId itemId price status test } } } }"}'`);
  }

  const stop = async (signal: string): Promise<void> => {
    if (guard.crashed) return; // already draining, and exiting non-zero
    print(`${signal}: finishing requests in flight, then closing the database`);
    try {
      await server.close();
    } catch (err) {
      server.http.log.error({ err }, 'closing failed');
      await log.close();
      process.exit(1);
    }
    // The lines of the last requests are still buffered: nothing is lost at exit.
    await log.close();
    process.exit(guard.crashed ? 1 : 0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
