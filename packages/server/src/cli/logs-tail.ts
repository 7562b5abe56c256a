/**
 * `vk-payments logs tail --app <id>`: the notification log, live, over graphql-ws (`notificationLogged`,
 * with the filter `notificationLogs` takes), one line per request VK sent and our answer; `--json` for
 * one JSON object per line. It reconnects by itself; after a reconnection it prints the rows logged while
 * it was away (read with `notificationLogs`), each row once.
 */
import { EXIT, remoteOf, request, RemoteError, subscribeForever, type RemoteOptions } from './remote.js';
import { printable, printableJson } from './printable.js';
import type { Print } from './simulate.js';

const KINDS = ['get_item', 'order_status_change', 'get_subscription', 'subscription_status_change'] as const;

export interface TailOptions extends RemoteOptions {
  app: number;
  type?: string[] | undefined;
  test?: boolean | undefined;
  live?: boolean | undefined;
  ok?: boolean | undefined;
  errors?: boolean | undefined;
  errorCode?: number | undefined;
  warnings?: boolean | undefined;
  user?: number | undefined;
  order?: string | undefined;
  json?: boolean | undefined;
}

export interface LogRow {
  id: string;
  receivedAt: string;
  rawType: string | null;
  notificationType: string | null;
  test: boolean;
  vkUserId: number | null;
  orderId: string | null;
  subscriptionId: string | null;
  ok: boolean;
  errorCode: number | null;
  signatureValid: boolean | null;
  warning: string | null;
  durationMs: number;
  request: Record<string, unknown>;
  response: unknown;
}

const FIELDS = `id receivedAt rawType notificationType test vkUserId orderId subscriptionId ok errorCode signatureValid warning durationMs request response`;

const SUBSCRIPTION = `subscription Tail($vkAppId: Int!, $filter: NotificationLogFilter) {
  notificationLogged(vkAppId: $vkAppId, filter: $filter) { ${FIELDS} }
}`;

const SINCE = `query Since($vkAppId: Int!, $filter: NotificationLogFilter, $after: String) {
  notificationLogs(vkAppId: $vkAppId, filter: $filter, first: 100, after: $after) { edges { node { ${FIELDS} } } pageInfo { hasNextPage endCursor } }
}`;

/** The options as the API's NotificationLogFilter (the same filters as `notificationLogs`). */
export function tailFilter(o: TailOptions): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (o.type?.length) {
    const kinds = o.type.map((t) => t.toLowerCase().replace(/_test$/, ''));
    const unknown = kinds.find((k) => !(KINDS as readonly string[]).includes(k));
    if (unknown !== undefined) throw new RemoteError(`--type: one of ${KINDS.join(', ')} (not "${unknown}")`, EXIT.USAGE);
    filter.types = [...new Set(kinds)].map((k) => k.toUpperCase());
  }
  if (o.test && o.live) throw new RemoteError('--test and --live exclude each other', EXIT.USAGE);
  if (o.test || o.live) filter.test = o.test === true;
  if (o.ok && o.errors) throw new RemoteError('--ok and --errors exclude each other', EXIT.USAGE);
  if (o.ok || o.errors) filter.ok = o.ok === true;
  if (o.errorCode !== undefined) filter.errorCode = o.errorCode;
  if (o.warnings) filter.warning = true;
  if (o.user !== undefined) filter.vkUserId = o.user;
  if (o.order !== undefined) filter.orderId = o.order;
  return filter;
}

/** What we answered, in a few words: `app_order_id=12`, `title="Gem" price=5`, or `error 20: …`. */
export function answerOf(row: Pick<LogRow, 'ok' | 'errorCode' | 'response'>): string {
  const response = row.response as { response?: unknown; error?: { error_code?: unknown; error_msg?: unknown } } | null;
  if (!row.ok) {
    const message = typeof response?.error?.error_msg === 'string' ? `: ${response.error.error_msg}` : '';
    return `error ${row.errorCode ?? '?'}${message}`;
  }
  const answer = response?.response;
  if (typeof answer !== 'object' || answer === null) return 'ok';
  const shown = Object.entries(answer)
    .filter(([k]) => ['app_order_id', 'order_id', 'subscription_id', 'title', 'price', 'item_id'].includes(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
  return shown.length ? `ok ${shown.join(' ')}` : 'ok';
}

/** One line per row: time, type, order (or subscription), user, answer, duration. */
export function tailLine(row: LogRow): string {
  const type = row.rawType ?? row.notificationType?.toLowerCase() ?? '(no type)';
  const about = row.orderId ? `order ${row.orderId}` : row.subscriptionId ? `subscription ${row.subscriptionId}` : '-';
  const user = row.vkUserId === null ? '' : `  user ${row.vkUserId}`;
  const signature = row.signatureValid === false ? '  BAD SIGNATURE' : '';
  const warning = row.warning ? `  ⚠ ${row.warning}` : '';
  return `${row.receivedAt}  ${type}  ${about}${user}  ${answerOf(row)}${signature}  ${row.durationMs.toFixed(1)} ms${warning}`;
}

/** Remembers the ids printed lately, so a row heard live and read again after a reconnection prints once. */
function recentIds(limit = 5_000): { seen(id: string): boolean; last(): string | null } {
  const ids = new Set<string>();
  let last: string | null = null;
  return {
    seen(id) {
      if (ids.has(id)) return true;
      ids.add(id);
      if (ids.size > limit) ids.delete(ids.values().next().value!);
      if (last === null || Number(id) > Number(last)) last = id;
      return false;
    },
    last: () => last,
  };
}

export interface Running {
  done: Promise<number>;
  stop(): void;
}

export async function tail(o: TailOptions, rawPrint: Print, rawStatus: Print): Promise<Running> {
  // The rows' fields come from anyone who can POST to the public endpoint: nothing printed is raw (printable.ts).
  const print: Print = (line) => rawPrint(o.json ? line : printable(line));
  const status: Print = (line) => rawStatus(printable(line));
  const remote = remoteOf(o);
  const filter = tailFilter(o);
  const variables = { vkAppId: o.app, filter };
  // Asked over HTTP first: an unreachable server, a bad token or a wrong app is told at once, not retried forever.
  await request(remote, `query Check($vkAppId: Int!) { notificationLogs(vkAppId: $vkAppId, first: 1) { pageInfo { hasNextPage } } }`, {
    vkAppId: o.app,
  });
  const recent = recentIds();
  const show = (row: LogRow): void => {
    if (recent.seen(row.id)) return;
    print(o.json ? printableJson(row) : tailLine(row));
  };
  // The rows logged while the stream was away: newer than the last printed, oldest first.
  const catchUp = async (): Promise<void> => {
    const last = recent.last();
    if (last === null) return;
    const missed: LogRow[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const data: { notificationLogs: { edges: { node: LogRow }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } =
        await request(remote, SINCE, { ...variables, after });
      const newer = data.notificationLogs.edges.map((e) => e.node).filter((r) => Number(r.id) > Number(last));
      missed.push(...newer);
      const { hasNextPage, endCursor } = data.notificationLogs.pageInfo;
      if (newer.length < data.notificationLogs.edges.length || !hasNextPage) break;
      after = endCursor;
    }
    for (const row of missed.reverse()) show(row);
  };
  status(
    `tailing the notification log of app ${o.app}${Object.keys(filter).length ? ` (filter ${JSON.stringify(filter)})` : ''}; Ctrl-C to stop`,
  );
  return subscribeForever<{ notificationLogged: LogRow }>({
    remote,
    query: SUBSCRIPTION,
    variables,
    onData: (data) => show(data.notificationLogged),
    onReconnected: catchUp,
    status,
  });
}
