/**
 * The one typed configuration, read from the environment once at start (README "Configuration").
 * Nothing else reads `process.env`. A bad value stops the start with a message naming the variable.
 */
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseAllowList } from './net/addresses.js';
import { MAKE_A_KEY, SecretsKey } from './secrets/key.js';

export type Database = { dialect: 'sqlite'; path: string } | { dialect: 'postgresql'; url: string };

export interface Config {
  port: number;
  host: string;
  database: Database;
  /**
   * PostgreSQL connections per pool: the endpoint's (db/sql.ts) and the API's (db/orm.ts) each open up
   * to this many, so an instance holds at most 2 × this + 1 (README "Running several instances").
   */
  pgPoolSize: number;
  /** The root token given by the operator; when absent one is generated at first start. */
  adminToken: string | undefined;
  publicUrl: string | undefined;
  corsOrigins: string[];
  logRetentionDays: number;
  /**
   * GraphQL (HTTP and WebSocket: each connection and each subscribe) and export requests per minute per
   * principal (root, API key, widget session), or per client address without a valid token; 0 = no limit.
   */
  rateLimitPerMinute: number;
  /** Log rows of unverified notifications (bad or missing sig, unknown app) per app and minute, per instance; 0 = no cap. */
  unverifiedLogPerMinute: number;
  /** The same rows of all apps together per minute, per instance; 0 = no cap. */
  unverifiedLogPerMinuteTotal: number;
  /** Days unverified notification log rows are kept (never longer than `logRetentionDays`). */
  unverifiedLogRetentionDays: number;
  demo: boolean;
  /** Waits between attempts to deliver an event to the game backend, in ms; then it is given up (failed). */
  fulfilmentRetryDelaysMs: number[];
  /**
   * Private hosts, IPs and CIDRs the server may still connect to (`*` = any): the notification URL
   * check and game-backend deliveries otherwise reach public addresses only. Empty by default.
   */
  allowPrivateUrls: string[];
  /**
   * Encrypts the apps' keys and the signing secrets at rest (secrets/). Unset: a key file beside the
   * SQLite database, generated at the first start; PostgreSQL refuses to start without it.
   */
  secretsKey: SecretsKey | undefined;
  /** The key before a key rotation: still decrypts, never encrypts (`vk-payments secrets rotate-key`). */
  secretsKeyPrevious: SecretsKey | undefined;
  /** Stack traces in GraphQL answers and internal messages in WebSocket close reasons. Off: the default run is the production run. */
  debug: boolean;
  /** Time limits on one connection, in ms (README "Security"). */
  timeouts: {
    /** The whole request (headers and body) must have arrived within this. */
    requestMs: number;
    /** The request's headers must have arrived within this. */
    headersMs: number;
    /** An idle keep-alive connection is closed after this. */
    keepAliveMs: number;
  };
  /** Open connections one client address may hold at once; 0 = no cap. A trusted proxy is never capped. */
  maxConnectionsPerIp: number;
  /** Which peers may tell us the client's address in X-Forwarded-For (VKP_TRUST_PROXY). */
  trustProxy: TrustProxy;
  /**
   * After SIGTERM, how long (ms) the instance answers /readyz 503 while it keeps serving, before it stops
   * accepting: the load balancer's check interval × fall count, plus a margin (http/drain.ts). 0: no delay.
   */
  drainDelayMs: number;
  /** The mini app API (mini-app/, docs/protocol.md §9). */
  miniApp: {
    /** How old `vk_ts` of a launch string may be, in seconds; null = any age (VKP_LAUNCH_PARAMS_MAX_AGE unset). */
    launchParamsMaxAgeSeconds: number | null;
    /** Requests per minute per VK user of an app; 0 = no limit. */
    perUserPerMinute: number;
    /** Refused requests (no valid launch string, unknown app) per minute per client address; 0 = no cap. */
    refusalsPerIpPerMinute: number;
  };
}

/**
 * `none`: the socket's peer is the client. `all`: every hop is trusted (the left-most X-Forwarded-For
 * address is the client). `hops`: that many hops from our side are proxies. `addresses`: peers in these
 * IPs/CIDRs are proxies.
 */
export type TrustProxy = { kind: 'none' } | { kind: 'all' } | { kind: 'hops'; hops: number } | { kind: 'addresses'; addresses: string[] };

/** After the first attempt: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h (about 8 h in all). */
export const DEFAULT_FULFILMENT_RETRY_DELAYS = '5,30,120,600,1800,3600,7200,14400';

export const DEFAULT_SQLITE_PATH = './data/vk-payments.sqlite';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const port = z.coerce.number().int().min(0).max(65535);
/** Seconds, fractions allowed (tests use short limits); at least a millisecond. */
const seconds = z.coerce.number().min(0.001, 'must be a positive number of seconds');
const url = z.url({ protocol: /^https?$/ });

/** 32 bytes in base64; an empty value is a mistake (a secret store that gave nothing), not "unset". */
const secretsKey = z
  .string()
  .transform((value, ctx) => {
    const key = SecretsKey.parse(value);
    if (!key) ctx.addIssue({ code: 'custom', message: `must be 32 bytes in base64; make one with: ${MAKE_A_KEY}` });
    return key ?? z.NEVER;
  })
  .optional();

const env = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().optional(),
  VKP_PG_POOL_SIZE: z.coerce.number().int().min(1).max(100).optional(),
  VKP_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  VKP_PUBLIC_URL: url.optional(),
  VKP_CORS_ORIGINS: z.string().optional(),
  VKP_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
  VKP_RATE_LIMIT: z.coerce.number().int().min(0).default(600),
  VKP_UNVERIFIED_LOG_PER_MINUTE: z.coerce.number().int().min(0).default(60),
  // Two apps' worth. Rows of at most 1 KB (~1.5 KB on disk with their indexes) kept 7 days: a flood that never
  // stops costs at most ~1.8 GB per instance, however many apps it names (README "Security").
  VKP_UNVERIFIED_LOG_PER_MINUTE_TOTAL: z.coerce.number().int().min(0).default(120),
  VKP_UNVERIFIED_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).default(7),
  VKP_DEMO: z.enum(['0', '1']).default('1'),
  VKP_FULFILMENT_RETRY_DELAYS: z
    .string()
    .regex(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, 'must be seconds separated by commas, e.g. 5,30,120')
    .default(DEFAULT_FULFILMENT_RETRY_DELAYS),
  VKP_ALLOW_PRIVATE_URLS: z
    .string()
    .default('')
    .superRefine((value, ctx) => {
      try {
        parseAllowList(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `${(err as Error).message}; expected comma-separated hosts, IPs or CIDRs, or *` });
      }
    }),
  VKP_SECRETS_KEY: secretsKey,
  VKP_SECRETS_KEY_PREVIOUS: secretsKey,
  VKP_DEBUG: z.enum(['0', '1']).default('0'),
  // VK gives up on an answer after 10 s (docs/protocol.md §1): a body still arriving after that is not VK's.
  VKP_REQUEST_TIMEOUT: seconds.default(10),
  VKP_HEADERS_TIMEOUT: seconds.default(5),
  // Longer than the 60 s idle timeout of common load balancers, so a balancer never reuses a connection we are closing.
  VKP_KEEPALIVE_TIMEOUT: seconds.default(72),
  VKP_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(0).default(256),
  VKP_TRUST_PROXY: z.string().default(''),
  // The shipped HAProxy example (examples/cluster/haproxy.cfg) checks every 1 s and takes an instance out
  // after 2 failed checks: 2 s, plus 1 s for a check in flight. The cap catches milliseconds given as seconds.
  VKP_DRAIN_DELAY: z.coerce
    .number()
    .min(0, 'must be 0 or more seconds')
    .max(300, 'must be at most 300 seconds (the delay is in seconds)')
    .default(3),
  // Off by default: VK keeps a mini app open for hours, and its launch string is all it has to send.
  VKP_LAUNCH_PARAMS_MAX_AGE: z.coerce.number().int('must be a whole number of seconds').min(1, 'must be at least 1 second').optional(),
  VKP_MINI_APP_RATE_LIMIT: z.coerce.number().int().min(0).default(120),
  VKP_MINI_APP_REFUSALS_PER_IP: z.coerce.number().int().min(0).default(60),
});

/** `VKP_TRUST_PROXY`: empty/false, `true`, a hop count, or comma-separated IPs/CIDRs (as Fastify's `trustProxy`). */
export function parseTrustProxy(value: string): TrustProxy {
  const v = value.trim();
  if (v === '' || v === 'false' || v === '0') return { kind: 'none' };
  if (v === 'true') return { kind: 'all' };
  if (/^\d+$/.test(v)) return { kind: 'hops', hops: Number(v) };
  const addresses = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const a of addresses) {
    const [ip, bits, ...rest] = a.split('/');
    const family = isIP(ip ?? '');
    const max = family === 6 ? 128 : 32;
    if (!family || rest.length || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= max))) {
      throw new ConfigError(
        `VKP_TRUST_PROXY: "${a}" is not an IP address or CIDR (expected true, a hop count, or IPs/CIDRs separated by commas)`,
      );
    }
  }
  return { kind: 'addresses', addresses };
}

/**
 * `DATABASE_URL`: unset → the embedded SQLite file; `postgres://…`/`postgresql://…` → PostgreSQL;
 * `sqlite:PATH` or `file:PATH` → a SQLite file elsewhere.
 */
function parseDatabase(value: string | undefined): Database {
  if (value === undefined || value === '') return { dialect: 'sqlite', path: resolve(DEFAULT_SQLITE_PATH) };
  if (/^postgres(ql)?:\/\//.test(value)) return { dialect: 'postgresql', url: value };
  const file = /^(sqlite|file):(.+)$/.exec(value);
  if (file?.[2]) return { dialect: 'sqlite', path: resolve(file[2]) };
  throw new ConfigError('DATABASE_URL: expected postgres://…, sqlite:PATH or file:PATH');
}

/**
 * Connections beyond the cores only queue inside PostgreSQL, and each costs it memory; a statement waits
 * on the network or the disk about as long as it computes, hence two per core of this instance.
 */
export const defaultPgPoolSize = (): number => 2 * availableParallelism();

const ms = (s: number): number => Math.max(1, Math.round(s * 1000));

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = env.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  // Node refuses a headers limit longer than the request limit (the headers are part of the request).
  if (e.VKP_HEADERS_TIMEOUT > e.VKP_REQUEST_TIMEOUT)
    throw new ConfigError('VKP_HEADERS_TIMEOUT: must not be longer than VKP_REQUEST_TIMEOUT');
  return {
    port: e.PORT,
    host: e.HOST,
    database: parseDatabase(e.DATABASE_URL),
    pgPoolSize: e.VKP_PG_POOL_SIZE ?? defaultPgPoolSize(),
    adminToken: e.VKP_ADMIN_TOKEN,
    publicUrl: e.VKP_PUBLIC_URL?.replace(/\/+$/, ''),
    corsOrigins: (e.VKP_CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    logRetentionDays: e.VKP_LOG_RETENTION_DAYS,
    rateLimitPerMinute: e.VKP_RATE_LIMIT,
    unverifiedLogPerMinute: e.VKP_UNVERIFIED_LOG_PER_MINUTE,
    unverifiedLogPerMinuteTotal: e.VKP_UNVERIFIED_LOG_PER_MINUTE_TOTAL,
    // The general retention deletes every row older than its limit, unverified ones too.
    unverifiedLogRetentionDays: Math.min(e.VKP_UNVERIFIED_LOG_RETENTION_DAYS, e.VKP_LOG_RETENTION_DAYS),
    demo: e.VKP_DEMO === '1',
    fulfilmentRetryDelaysMs: e.VKP_FULFILMENT_RETRY_DELAYS.split(',').map((v) => Math.round(Number(v) * 1000)),
    allowPrivateUrls: [...parseAllowList(e.VKP_ALLOW_PRIVATE_URLS).entries],
    secretsKey: e.VKP_SECRETS_KEY,
    secretsKeyPrevious: e.VKP_SECRETS_KEY_PREVIOUS,
    debug: e.VKP_DEBUG === '1',
    timeouts: { requestMs: ms(e.VKP_REQUEST_TIMEOUT), headersMs: ms(e.VKP_HEADERS_TIMEOUT), keepAliveMs: ms(e.VKP_KEEPALIVE_TIMEOUT) },
    maxConnectionsPerIp: e.VKP_MAX_CONNECTIONS_PER_IP,
    trustProxy: parseTrustProxy(e.VKP_TRUST_PROXY),
    drainDelayMs: Math.round(e.VKP_DRAIN_DELAY * 1000),
    miniApp: {
      launchParamsMaxAgeSeconds: e.VKP_LAUNCH_PARAMS_MAX_AGE ?? null,
      perUserPerMinute: e.VKP_MINI_APP_RATE_LIMIT,
      refusalsPerIpPerMinute: e.VKP_MINI_APP_REFUSALS_PER_IP,
    },
  };
}
