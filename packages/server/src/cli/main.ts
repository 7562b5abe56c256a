#!/usr/bin/env node
/** The `vk-payments` command (README "Try a purchase", "Connect a real app"). */
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { sign } from './sign.js';
import { SCENARIOS } from '../devtools/scenario.js';
import { simulate, simulateScenario, SimulateError } from './simulate.js';

const print = (line: string): void => void process.stdout.write(`${line}\n`);
/** What people should read but scripts should not parse (connection state, hints): stderr. */
const status = (line: string): void => void process.stderr.write(`vk-payments: ${line}\n`);

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

/**
 * The options of every command that talks to a remote server over its public API (cli/remote.ts). The
 * token is better given in VKP_TOKEN: a command line is visible to other users of the machine (ps).
 */
function remote(command: Command): Command {
  return command
    .addOption(new Option('--url <url>', "the server's base URL, e.g. https://pay.example.com").env('VKP_URL'))
    .addOption(new Option('--token <token>', 'an API key (or the root token); prefer VKP_TOKEN').env('VKP_TOKEN'))
    .option('--insecure', 'allow http:// to a host other than this machine (the token is sent in clear)')
    .option('--json', 'one JSON object per line, for scripts');
}

const REMOTE_HELP = `
Talks to a server over its public API (GraphQL over HTTP, graphql-ws for live streams), never to a database.
Exit codes: 0 done, 1 refused by the server (the error's code is printed: FORBIDDEN, NOT_FOUND…),
2 bad arguments, 3 server unreachable (or not a vk-payments server at --url), 4 token refused (UNAUTHENTICATED).`;

/** A command that runs until Ctrl-C (or until the server refuses it for good): its exit code. */
async function untilStopped(running: Promise<import('./logs-tail.js').Running>): Promise<void> {
  const r = await running;
  const stop = (): void => r.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.exitCode = await r.done;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
}

const logs = program.command('logs').description('the notification log of a remote server');
remote(
  logs
    .command('tail')
    .description('stream the notification log live: one line per request VK sent and our answer; reconnects by itself')
    .requiredOption('--app <id>', "VK's app id", positiveInt)
    .option('--type <type...>', 'only these types: get_item, order_status_change, get_subscription, subscription_status_change')
    .option('--test', 'only _test notifications (payment testers)')
    .option('--live', 'only real notifications')
    .option('--ok', 'only those we answered with a response')
    .option('--errors', 'only those we answered with an error')
    .option('--error-code <code>', 'only those answered with this VK error code', positiveInt)
    .option('--warnings', 'only those with a warning')
    .option('--user <id>', 'only this VK user', positiveInt)
    .option('--order <id>', 'only this order_id'),
)
  .addHelpText(
    'after',
    `
Each line: time, type, order (or subscription), user, our answer (app_order_id, item, or the VK error), time taken.
When the connection is lost it says so on stderr, reconnects with growing waits, and prints the rows logged meanwhile.${REMOTE_HELP}`,
  )
  .action((o: import('./logs-tail.js').TailOptions) => untilStopped(import('./logs-tail.js').then(({ tail }) => tail(o, print, status))));

remote(
  program
    .command('listen')
    .description("forward the app's events for the game backend to a local URL, signed exactly like a real delivery")
    .requiredOption('--app <id>', "VK's app id", positiveInt)
    .requiredOption('--forward-to <url>', 'your local game backend, e.g. http://localhost:3000/hook')
    .option('--secret <whsec>', 'sign with this Standard Webhooks secret (whsec_…)'),
)
  .addHelpText(
    'after',
    `
Each event is POSTed with the body, webhook-id, webhook-timestamp and webhook-signature the server's own delivery
would carry, and printed with your backend's answer. It never counts as the endpoint's delivery.
Which secret signs (the endpoint's secret never leaves the server):
  --secret whsec_…            this one;
  the app has an endpoint     the server signs with the endpoint's secret (a CREATOR or ADMIN token; else pass --secret);
  no endpoint                 a new whsec_ printed at the start: verify with it in your backend.
Without an endpoint the server stores no events: they are heard live only (the payments themselves are recorded as
always). Events of payments received while listen is not connected, or by another instance, are not replayed.${REMOTE_HELP}`,
  )
  .action((o: import('./listen.js').ListenOptions) => untilStopped(import('./listen.js').then(({ listen }) => listen(o, print, status))));

const apikey = program.command('apikey').description('API keys of a remote server');
remote(
  apikey
    .command('create')
    .description('create an API key; its token is printed once')
    .option('--app <id>', "VK's app id (without it, root only: a platform-wide MODERATOR key)", positiveInt)
    .requiredOption('--role <role>', 'CREATOR, ADMIN, PAYMENTS_ADMIN, VIEWER or MODERATOR (no higher than your own)')
    .requiredOption('--label <label>', 'what it is for, for people'),
)
  .addHelpText('after', REMOTE_HELP)
  .action(async (o: import('./remote-commands.js').ApiKeyCreateOptions) => {
    process.exitCode = await (await import('./remote-commands.js')).apiKeyCreate(o, print);
  });
remote(
  apikey
    .command('list')
    .description("list an app's API keys, newest first (without --app, root: the platform-wide ones)")
    .option('--app <id>', "VK's app id", positiveInt),
)
  .addHelpText('after', REMOTE_HELP)
  .action(async (o: import('./remote-commands.js').AppListOptions) => {
    process.exitCode = await (await import('./remote-commands.js')).apiKeyList(o, print);
  });
remote(apikey.command('revoke').description('revoke an API key and every widget session minted with it').argument('<id>', 'the key id'))
  .addHelpText('after', REMOTE_HELP)
  .action(async (id: string, o: import('./remote.js').RemoteOptions & { json?: boolean }) => {
    process.exitCode = await (await import('./remote-commands.js')).apiKeyRevoke({ ...o, id }, print);
  });

const deliveries = program.command('deliveries').description("the game backend's webhook deliveries on a remote server");
remote(
  deliveries
    .command('list')
    .description('list deliveries, newest first, with their last attempt')
    .requiredOption('--app <id>', "VK's app id", positiveInt)
    .option('--status <status>', 'pending, delivered or failed')
    .option('--event <type>', 'order.paid, order.refunded or subscription.changed')
    .option('--limit <n>', 'at most this many', positiveInt, 20),
)
  .addHelpText('after', REMOTE_HELP)
  .action(async (o: import('./remote-commands.js').DeliveriesListOptions) => {
    process.exitCode = await (await import('./remote-commands.js')).deliveriesList(o, print);
  });
remote(
  deliveries
    .command('resend')
    .description('send deliveries again now, whatever their state (the receiver dedupes on webhook-id)')
    .argument('[id...]', 'delivery ids')
    .option('--failed', 'every failed delivery of --app (retries exhausted), oldest first')
    .option('--app <id>', "VK's app id, with --failed", positiveInt)
    .option('--event <type>', 'with --failed: only this event type (order.paid, order.refunded, subscription.changed)'),
)
  .addHelpText('after', REMOTE_HELP)
  .action(async (ids: string[], o: Omit<import('./remote-commands.js').ResendOptions, 'ids'>) => {
    process.exitCode = await (await import('./remote-commands.js')).deliveriesResend({ ...o, ids }, print, status);
  });

program.parseAsync(process.argv).catch(async (err: unknown) => {
  const { RemoteError } = await import('./remote.js');
  if (err instanceof RemoteError) {
    process.stderr.write(`vk-payments: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  if (err instanceof ConfigError || err instanceof SimulateError) {
    process.stderr.write(`vk-payments: ${err.message}\n`);
    process.exit(2);
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { extensions?: { code?: string } }).extensions?.code;
  process.stderr.write(`vk-payments: ${code ? `${code}: ` : ''}${message}\n`);
  process.exit(1);
});
