/**
 * The events instances share (README "Running several instances"), and their wire form: the payload of
 * a PostgreSQL NOTIFY on BUS_CHANNEL. A payload must stay under 8,000 bytes (PostgreSQL refuses a
 * longer one), so events carry ids, never rows, and a long list of log rows is cut into several payloads.
 * Anyone who may connect to the database can NOTIFY this channel: what cannot be read is dropped, never thrown.
 */

export const BUS_CHANNEL = 'vkp_bus';

/** Below PostgreSQL's 8,000-byte limit with room to spare. */
export const MAX_PAYLOAD_BYTES = 7_900;

/** A log row another instance may want to stream: its id and the app it belongs to. */
export interface LoggedRow {
  id: number;
  vkAppId: number;
}

export type BusEvent =
  /** Log rows were committed (live log, `notificationLogged`). */
  | { type: 'logged'; origin: string; rows: LoggedRow[] }
  /**
   * Rows of `table` changed for these apps (`appIds`: apps.id; `vkAppIds` too when the apps table changed).
   * `appIds: null` means anything may have changed: after the bus was away, on SQLite when another
   * connection committed, or when a statement touched too many apps to list.
   */
  | { type: 'changed'; table: string | null; appIds: number[] | null; vkAppIds: number[] }
  /** A payment queued an event for a game backend: the fulfilment workers may look now. */
  | { type: 'due'; origin: string };

/** "Anything may have changed": what a reconnected bus, or SQLite's data_version, can tell. */
export const ANYTHING_CHANGED: BusEvent = { type: 'changed', table: null, appIds: null, vkAppIds: [] };

/** The tables whose changes end live sockets (revocation): the caches do not hold them. */
export const ACCESS_TABLES: ReadonlySet<string> = new Set(['api_keys', 'widget_sessions']);

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const ids = (v: unknown): number[] => (Array.isArray(v) ? v.filter(isId) : []);

/** How every payload of an instance's `logged` event begins (its receivers skip their own unparsed). */
export const loggedHead = (origin: string): string => `{"t":"logged","o":${JSON.stringify(origin)},"r":[`;

/**
 * The payloads of `event`, each under `maxBytes`. `logged` rows go as a flat [id, vkAppId, …] list,
 * cut into as many payloads as it takes; the others fit in one.
 */
export function encode(event: BusEvent, maxBytes = MAX_PAYLOAD_BYTES): string[] {
  if (event.type === 'due') return [JSON.stringify({ t: 'due', o: event.origin })];
  if (event.type === 'changed') {
    return [JSON.stringify({ t: 'changed', k: event.table, a: event.appIds, v: event.vkAppIds })];
  }
  const head = loggedHead(event.origin);
  const payloads: string[] = [];
  let body = '';
  for (const { id, vkAppId } of event.rows) {
    const pair = `${id},${vkAppId}`;
    // Every character here is ASCII: string length is the byte count.
    if (body && head.length + body.length + 1 + pair.length + 2 > maxBytes) {
      payloads.push(`${head}${body}]}`);
      body = '';
    }
    body += body ? `,${pair}` : pair;
  }
  if (body) payloads.push(`${head}${body}]}`);
  return payloads;
}

/** The event a payload carries, or null when it is not one of ours (junk on the channel is ignored). */
export function decode(payload: string): BusEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  if (m.t === 'due' && typeof m.o === 'string') return { type: 'due', origin: m.o };
  if (m.t === 'changed') {
    return {
      type: 'changed',
      table: typeof m.k === 'string' ? m.k : null,
      // Only an explicit list narrows the change down; anything else means "all".
      appIds: Array.isArray(m.a) ? ids(m.a) : null,
      vkAppIds: ids(m.v),
    };
  }
  if (m.t === 'logged' && typeof m.o === 'string' && Array.isArray(m.r)) {
    const flat = ids(m.r);
    if (flat.length !== m.r.length || flat.length % 2) return null;
    const rows: LoggedRow[] = [];
    for (let i = 0; i < flat.length; i += 2) rows.push({ id: flat[i]!, vkAppId: flat[i + 1]! });
    return { type: 'logged', origin: m.o, rows };
  }
  return null;
}
