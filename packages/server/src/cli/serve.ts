/**
 * `vk-payments serve` (what `pnpm start` runs): migrate, listen — VK's notifications are answered from
 * here on —, then load the API, create the root token and the demo app when the database is new, and
 * print how to reach it. Stops gracefully on SIGINT/SIGTERM (SIGTERM first drains for the load
 * balancer: http/drain.ts); a failure that reaches the process closes it the same way, without the
 * delay, and exits non-zero (uncaught.ts).
 */
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { startServer } from '../http/server.js';
import { describeKeySource } from '../secrets/key-file.js';
import { boundHeapGrowth } from './heap.js';
import { asyncStdout } from './log-stream.js';
import type { Print } from './simulate.js';
import { drainOnUncaught } from './uncaught.js';

export async function serve(config: Config, print: Print): Promise<void> {
  boundHeapGrowth();
  // Structured JSON logs (pino), written asynchronously (log-stream.ts); tokens in headers are never written.
  const log = asyncStdout();
  const server = await startServer(config, {
    logger: { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'], stream: log.stream },
  });
  const guard = drainOnUncaught(server, server.http.log);
  // Installed first, so a signal that comes while the server starts (or just as it prints its address)
  // stops it gracefully instead of killing it. SIGTERM is how a supervisor or a deploy stops an instance behind a load balancer: it drains first
  // (VKP_DRAIN_DELAY, http/drain.ts). SIGINT is a human's Ctrl-C: no balancer to wait for, and a Ctrl-C
  // during a drain skips the rest of the delay. A repeated SIGTERM changes nothing.
  let stopping: Promise<void> | undefined;
  let delayed = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (guard.crashed) return; // already draining, and exiting non-zero
    const drainMs = signal === 'SIGTERM' ? config.drainDelayMs : 0;
    if (stopping) {
      if (delayed && drainMs === 0) print(`${signal}: skipping the rest of the drain delay`);
      delayed &&= drainMs > 0;
      void server.close({ drainMs });
      return;
    }
    delayed = drainMs > 0;
    print(
      drainMs
        ? `${signal}: /readyz answers 503; serving ${drainMs / 1000} s more (VKP_DRAIN_DELAY) while the load balancer takes this instance out, then finishing requests in flight and closing the database`
        : `${signal}: finishing requests in flight, then closing the database`,
    );
    stopping = server.close({ drainMs });
    try {
      await stopping;
    } catch (err) {
      server.http.log.error({ err }, 'closing failed');
      await log.close();
      process.exit(1);
    }
    // The lines of the last requests are still buffered: nothing is lost at exit.
    await log.close();
    process.exit(guard.crashed ? 1 : 0);
  };
  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));

  const url = await server.listen();
  // The API, and with it the ORM these need: loaded after the endpoint answers (http/server.ts).
  let orm: Orm;
  try {
    ({ orm } = await server.api());
  } catch (err) {
    // Drained like a crash (uncaught.ts), then `serve` fails with it: the supervisor restarts it.
    server.http.log.fatal({ err }, 'the API failed to load: closing');
    await server.close();
    throw err;
  }
  if (stopping) return; // a signal came meanwhile: the server is closing, the ORM with it
  const [{ DEMO_ITEM, DEMO_PLAN, ensureDemoApp }, { ensureRootToken }, { describeDatabase }] = await Promise.all([
    import('../settings/demo.js'),
    import('../keys/tokens.js'),
    import('./local.js'),
  ]);
  const em = orm.em.fork();
  const rootToken = await ensureRootToken(em, config.adminToken);
  const demo = config.demo ? await ensureDemoApp(em, server.secrets) : null;

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
    print(
      `      -d '{"query":"{ transactions(vkAppId: ${demo.vkAppId}) { totalCount edges { node { orderId appOrderId itemId price status test } } } }"}'`,
    );
  }
}
