#!/usr/bin/env node
/** The `vk-payments` command (README "Try a purchase", "Connect a real app"). */
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { sign } from './sign.js';
import { SCENARIOS } from '../devtools/scenario.js';
import { simulate, simulateScenario, SimulateError } from './simulate.js';

const print = (line: string): void => void process.stdout.write(`${line}\n`);

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a positive integer');
  return Number(value);
}

let cached: Config | undefined;
const config = (): Config => (cached ??= loadConfig(process.env));

type DbLib = typeof import('./db-commands.js');

/**
 * The database stack loads on demand, so `sign` and `simulate` start fast. The database is prepared as
 * the server prepares it (migrations, then secrets older versions left in plain text are encrypted).
 */
async function withDatabase<T>(fn: (db: import('./db-commands.js').LocalDatabase, lib: DbLib) => Promise<T>): Promise<T> {
  const lib = await import('./db-commands.js');
  return lib.withDatabase(config(), async (db) => {
    // A key file made by this very command: say where it is (never the key), as `serve` does.
    if (db.secretsKeySource.kind === 'file' && db.secretsKeySource.created)
      print(`secrets key ${lib.describeKeySource(db.secretsKeySource)}`);
    return fn(db, lib);
  });
}

const program = new Command('vk-payments').description('VK Mini Apps votes-payments server').showHelpAfterError();

program
  .command('serve')
  .description('migrate the database and serve the endpoint, GraphQL and health probes')
  // Loaded on demand: the HTTP and GraphQL stack is heavy, and the other commands do not need it.
  .action(async () => (await import('./serve.js')).serve(config(), print));

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(() =>
    withDatabase(async (db, { prepareDatabase }) => {
      const { applied, secrets } = await prepareDatabase(db);
      print(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
      if (secrets.encrypted) print(`encrypted ${secrets.encrypted} secret(s) stored in plain text by an older version`);
      if (secrets.scrubFailed) print(`could not compact the tables afterwards (${secrets.scrubFailed}): run VACUUM to drop the old bytes`);
    }),
  );

program
  .command('schema')
  .description('print the GraphQL schema (SDL) this server serves; no database needed')
  // Loaded on demand, as `serve`: building the schema loads every resolver.
  .action(async () => void process.stdout.write(await (await import('./sdl.js')).printSdl()));

const app = program.command('app').description('manage apps');
app
  .command('create')
  .description('register an app')
  .requiredOption('--vk-app-id <id>', "VK's app id", positiveInt)
  .requiredOption('--name <name>', 'a name for people')
  .requiredOption('--secret <key>', "the protected key from VK's panel")
  .action((o: { vkAppId: number; name: string; secret: string }) =>
    withDatabase(async (db, { prepareDatabase, createApp }) => {
      await prepareDatabase(db);
      const created = await createApp(db.orm.em.fork(), db.secrets, null, { vkAppId: o.vkAppId, name: o.name, secretKey: o.secret });
      print(`created app ${created.vkAppId} "${created.name}"`);
    }),
  );
app
  .command('list')
  .description('list apps')
  .action(() =>
    withDatabase(async (db, { listApps, prepareDatabase }) => {
      await prepareDatabase(db);
      for (const a of await listApps(db.orm.em.fork())) print(`${a.vkAppId}\t${a.name}\t${a.notificationUrl ?? '(no notification URL)'}`);
    }),
  );

program
  .command('token')
  .description('root token')
  .command('reset')
  .description('revoke stored root tokens and print a new one')
  .action(() =>
    withDatabase(async (db, { prepareDatabase, resetRootToken }) => {
      await prepareDatabase(db);
      print(`new root token (shown once): ${await resetRootToken(db.orm.em.fork())}`);
    }),
  );

program
  .command('secrets')
  .description('the secrets key that encrypts app keys and signing secrets in the database')
  .command('rotate-key')
  .description('re-encrypt every stored secret under VKP_SECRETS_KEY; the old key is given in VKP_SECRETS_KEY_PREVIOUS')
  .action(() =>
    withDatabase(async (db, { rotateLocalSecrets }) => {
      const counts = await rotateLocalSecrets(db);
      const { current, previous } = db.secrets;
      print(
        `re-encrypted ${counts.reencrypted} stored secret(s) under secrets key ${current.id}${previous ? ` (from ${previous.id})` : ''}`,
      );
      if (counts.encrypted) print(`encrypted ${counts.encrypted} secret(s) stored in plain text by an older version`);
      if (counts.scrubFailed) print(`could not compact the tables afterwards (${counts.scrubFailed}): run VACUUM to drop the old bytes`);
      print(`${counts.unchanged} were under ${current.id} already. Every stored secret is now under ${current.id}:`);
      print('give every instance VKP_SECRETS_KEY alone (drop VKP_SECRETS_KEY_PREVIOUS) and restart them one by one.');
    }),
  );

async function secretFor(o: { secret?: string; app?: number }): Promise<string> {
  if (o.secret) return o.secret;
  if (o.app === undefined) throw new SimulateError('pass --secret, or --app to read the secret from the local database');
  return (await import('./db-commands.js')).localAppSecret(config(), o.app);
}

program
  .command('sign')
  .description('print the canonical string (secret masked) and the signature of a notification')
  .argument('[fields...]', 'name=value pairs')
  .option('--body <form>', 'a whole form body, e.g. "app_id=1&item=x&sig=…"')
  .option('--secret <key>', 'the protected key')
  .option('--app <id>', 'read the protected key of this app from the local database', positiveInt)
  .action(async (fields: string[], o: { body?: string; secret?: string; app?: number }) => {
    process.exitCode = sign(o.body, fields, await secretFor(o), print);
  });

program
  .command('simulate')
  .description('sign a notification exactly as VK does, post it, and judge the answer; or play a whole scenario')
  .argument('<type>', 'get_item, order_status_change, get_subscription, subscription_status_change, their _test twins, or "scenario"')
  .argument('[scenario]', `with "scenario": ${SCENARIOS.join(', ')} (each step sent twice; _test types unless --live)`)
  .option('--live', 'scenario only: send the real types instead of the _test twins')
  .requiredOption('--app <id>', 'app_id', positiveInt)
  .option('--item <item>', 'item (get_item, order_status_change) or item_id (subscriptions)')
  .option('--user <id>', 'user_id', positiveInt, 1)
  .option('--order <id>', 'order_id (default: random)')
  .option('--status <status>', 'chargeable, refunded; or active, cancelled for subscriptions')
  .option('--price <votes>', 'item_price (default: asked from get_item / get_subscription first)', positiveInt)
  .option('--subscription <id>', 'subscription_id (default: random)')
  .option('--next-bill-time <unix>', 'next_bill_time (default: now + the period)')
  .option('--api-version <v>', 'version field; "" for the old format without it', '5.132')
  .option('--url <url>', 'where to post (default: this server)')
  .option('--secret <key>', 'the protected key (default: read from the local database)')
  .action(async (type: string, scenario: string | undefined, o: Record<string, string | number | boolean | undefined>) => {
    const c = config();
    const url = (o.url as string | undefined) ?? `${c.publicUrl ?? `http://${c.host}:${c.port}`}/vk/payments`;
    if (type === 'scenario') {
      if (!scenario) throw new SimulateError(`name the scenario: ${SCENARIOS.join(', ')}`);
      const secret = await secretFor({ secret: o.secret as string | undefined, app: o.app as number });
      const common = {
        url,
        secret,
        app: o.app as number,
        user: o.user as number,
        item: o.item as string | undefined,
        version: o.apiVersion as string,
      };
      process.exitCode = await simulateScenario({ ...common, scenario, live: o.live === true }, print);
      return;
    }
    if (scenario !== undefined) throw new SimulateError(`unexpected argument "${scenario}"`);
    process.exitCode = await simulate(
      {
        type,
        url,
        secret: await secretFor({ secret: o.secret as string | undefined, app: o.app as number }),
        app: o.app as number,
        user: o.user as number,
        item: o.item as string | undefined,
        order: o.order as string | undefined,
        status: o.status as string | undefined,
        price: o.price as number | undefined,
        subscription: o.subscription as string | undefined,
        nextBillTime: o.nextBillTime as string | undefined,
        version: o.apiVersion as string,
      },
      print,
    );
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof SimulateError) {
    process.stderr.write(`vk-payments: ${err.message}\n`);
    process.exit(2);
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { extensions?: { code?: string } }).extensions?.code;
  process.stderr.write(`vk-payments: ${code ? `${code}: ` : ''}${message}\n`);
  process.exit(1);
});
