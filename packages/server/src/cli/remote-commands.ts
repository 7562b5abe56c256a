/**
 * `vk-payments apikey create|list|revoke` and `vk-payments deliveries list|resend`: thin wrappers over
 * the GraphQL operations of the same names (remote.ts), for a server reached with --url and --token.
 * Each prints a table for people, or `--json` for scripts; a token is printed once, when created.
 */
import { EXIT, remoteOf, request, RemoteError, type Remote, type RemoteOptions } from './remote.js';
import type { Print } from './simulate.js';

const ROLES = ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'VIEWER', 'MODERATOR'] as const;
const STATUSES = ['pending', 'delivered', 'failed'] as const;

interface ApiKeyRow {
  id: string;
  role: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const KEY_FIELDS = 'id role label createdAt lastUsedAt revokedAt';

const row = (cells: Array<string | number | null>): string => cells.map((c) => (c === null ? '-' : String(c))).join('\t');

export interface ApiKeyCreateOptions extends RemoteOptions {
  app?: number | undefined;
  role: string;
  label: string;
  json?: boolean | undefined;
}

export async function apiKeyCreate(o: ApiKeyCreateOptions, print: Print): Promise<number> {
  const role = o.role.toUpperCase();
  if (!(ROLES as readonly string[]).includes(role)) throw new RemoteError(`--role: one of ${ROLES.join(', ')}`, EXIT.USAGE);
  const data = await request<{ createApiKey: { token: string; apiKey: ApiKeyRow } }>(
    remoteOf(o),
    `mutation Create($vkAppId: Int, $role: Role!, $label: String!) { createApiKey(vkAppId: $vkAppId, role: $role, label: $label) { token apiKey { ${KEY_FIELDS} } } }`,
    { vkAppId: o.app ?? null, role, label: o.label },
  );
  const { token, apiKey } = data.createApiKey;
  if (o.json) print(JSON.stringify({ ...apiKey, token }));
  else {
    print(`created API key ${apiKey.id} (${apiKey.role}, "${apiKey.label}")`);
    print(`token (shown once, keep it secret): ${token}`);
  }
  return EXIT.OK;
}

export interface AppListOptions extends RemoteOptions {
  app?: number | undefined;
  json?: boolean | undefined;
}

export async function apiKeyList(o: AppListOptions, print: Print): Promise<number> {
  const data = await request<{ apiKeys: ApiKeyRow[] }>(
    remoteOf(o),
    `query Keys($vkAppId: Int) { apiKeys(vkAppId: $vkAppId) { ${KEY_FIELDS} } }`,
    {
      vkAppId: o.app ?? null,
    },
  );
  if (o.json) for (const k of data.apiKeys) print(JSON.stringify(k));
  else {
    print(row(['id', 'role', 'label', 'created', 'last used', 'revoked']));
    for (const k of data.apiKeys) print(row([k.id, k.role, k.label, k.createdAt, k.lastUsedAt, k.revokedAt]));
  }
  return EXIT.OK;
}

export async function apiKeyRevoke(o: RemoteOptions & { id: string; json?: boolean | undefined }, print: Print): Promise<number> {
  const data = await request<{ revokeApiKey: ApiKeyRow }>(
    remoteOf(o),
    `mutation Revoke($id: ID!) { revokeApiKey(id: $id) { ${KEY_FIELDS} } }`,
    {
      id: o.id,
    },
  );
  const k = data.revokeApiKey;
  print(o.json ? JSON.stringify(k) : `revoked API key ${k.id} (${k.role}, "${k.label}") at ${k.revokedAt ?? '?'}`);
  return EXIT.OK;
}

interface DeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  transactionId: number | null;
  attemptLog: { attemptedAt: string; httpStatus: number | null; durationMs: number; error: string | null }[];
}

const DELIVERY_FIELDS =
  'id eventId eventType status attempts createdAt nextAttemptAt deliveredAt transactionId attemptLog { attemptedAt httpStatus durationMs error }';

export interface DeliveriesListOptions extends RemoteOptions {
  app: number;
  status?: string | undefined;
  event?: string | undefined;
  limit: number;
  json?: boolean | undefined;
}

function lastAttempt(d: DeliveryRow): string {
  const a = d.attemptLog.at(-1);
  if (!a) return '-';
  return `${a.httpStatus === null ? (a.error ?? 'no answer') : `HTTP ${a.httpStatus}`} (${a.durationMs.toFixed(0)} ms)`;
}

export async function deliveriesList(o: DeliveriesListOptions, print: Print): Promise<number> {
  const status = o.status?.toLowerCase();
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
    throw new RemoteError(`--status: one of ${STATUSES.join(', ')}`, EXIT.USAGE);
  }
  const remote = remoteOf(o);
  const rows: DeliveryRow[] = [];
  let after: string | null = null;
  let total = 0;
  // Newest first, a page of at most 100 at a time, up to --limit.
  while (rows.length < o.limit) {
    const data: {
      fulfilmentDeliveries: {
        totalCount: number;
        edges: { node: DeliveryRow }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } = await request(
      remote,
      `query Deliveries($vkAppId: Int!, $status: String, $eventType: String, $first: Int, $after: String) {
        fulfilmentDeliveries(vkAppId: $vkAppId, status: $status, eventType: $eventType, first: $first, after: $after) {
          totalCount edges { node { ${DELIVERY_FIELDS} } } pageInfo { hasNextPage endCursor }
        }
      }`,
      { vkAppId: o.app, status: status ?? null, eventType: o.event ?? null, first: Math.min(100, o.limit - rows.length), after },
    );
    total = data.fulfilmentDeliveries.totalCount;
    rows.push(...data.fulfilmentDeliveries.edges.map((e) => e.node));
    if (!data.fulfilmentDeliveries.pageInfo.hasNextPage) break;
    after = data.fulfilmentDeliveries.pageInfo.endCursor;
  }
  if (o.json) {
    for (const d of rows) print(JSON.stringify(d));
    return EXIT.OK;
  }
  print(row(['id', 'status', 'event', 'event id', 'attempts', 'last attempt', 'created', 'next attempt']));
  for (const d of rows) print(row([d.id, d.status, d.eventType, d.eventId, d.attempts, lastAttempt(d), d.createdAt, d.nextAttemptAt]));
  if (total > rows.length) print(`(${rows.length} of ${total}; --limit for more)`);
  return EXIT.OK;
}

export interface ResendOptions extends RemoteOptions {
  ids: string[];
  /** Every failed delivery of `app` (retries exhausted), instead of ids. */
  failed?: boolean | undefined;
  app?: number | undefined;
  /** With --failed: only this event type. */
  event?: string | undefined;
  json?: boolean | undefined;
}

/**
 * Resends the app's failed deliveries with the server's own bulk mutation: one call, the oldest 500. The
 * server refuses the app's next call for 60 s (RATE_LIMITED), so the rest are left for a later run.
 */
async function resendAllFailed(remote: Remote, vkAppId: number, eventType: string | null): Promise<{ resent: number; remaining: number }> {
  const data = await request<{ resendFailedFulfilmentDeliveries: { resent: number; remaining: number } }>(
    remote,
    'mutation ResendFailed($vkAppId: Int!, $eventType: String) { resendFailedFulfilmentDeliveries(vkAppId: $vkAppId, eventType: $eventType) { resent remaining } }',
    { vkAppId, eventType },
  );
  return data.resendFailedFulfilmentDeliveries;
}

export async function deliveriesResend(o: ResendOptions, print: Print, status: Print): Promise<number> {
  if (o.failed ? o.ids.length > 0 || o.app === undefined : o.ids.length === 0) {
    throw new RemoteError('name delivery ids, or --failed with --app for every failed one', EXIT.USAGE);
  }
  const remote = remoteOf(o);
  if (o.failed) {
    const { resent, remaining } = await resendAllFailed(remote, o.app!, o.event ?? null);
    print(
      o.json
        ? JSON.stringify({ resent, remaining })
        : `${resent} failed deliver${resent === 1 ? 'y' : 'ies'} of app ${o.app} due again now` +
            (remaining ? `; ${remaining} more left failed: run this again in a minute` : ''),
    );
    return EXIT.OK;
  }
  const ids = o.ids;
  let failed = 0;
  for (const id of ids) {
    try {
      const data = await request<{
        resendFulfilmentDelivery: { id: string; eventId: string; status: string; nextAttemptAt: string | null };
      }>(remote, 'mutation Resend($id: ID!) { resendFulfilmentDelivery(id: $id) { id eventId status nextAttemptAt } }', { id });
      const d = data.resendFulfilmentDelivery;
      print(o.json ? JSON.stringify(d) : `delivery ${d.id} (${d.eventId}) is due again now: ${d.status}`);
    } catch (err) {
      // An unreachable server or a refused token fails every id alike: stop at the first.
      if (!(err instanceof RemoteError) || err.exitCode !== EXIT.FAILED) throw err;
      failed += 1;
      status(`delivery ${id}: ${err.message}`);
    }
  }
  return failed ? EXIT.FAILED : EXIT.OK;
}
