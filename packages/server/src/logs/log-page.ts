/**
 * A page of `notificationLogs` in plain SQL, beside the ORM (README "Performance"). The log is the one
 * list that grows by a row per request, and its first filtered page must come back in milliseconds over
 * a million rows. Its statements were already served by indexes (well under 2 ms on either store); the
 * rest was measured on the way there: the ORM building three statements (the app, the page, the count)
 * and hydrating their rows, and, on PostgreSQL, three round trips one after another. Here the app's id
 * is read alone (PostgreSQL then plans the page knowing the app: inside the statement it guessed, and
 * walked a large app's rows to find a small one's), and one statement reads the page and, when the query
 * asks for `totalCount`, counts. Rows are plain values shaped as GraphQL shows them, as the live tail
 * does (live.ts).
 */
import type { EntityManager } from '@mikro-orm/core';
import { appIdOf } from '../apps/apps.service.js';
import { isPostgres } from '../db/orm.js';
import { readBoolean, readDate, readNumber, type Row } from '../db/sql.js';
import { pageWindow, toConnection, type ConnectionShape, type PageArgs } from '../graphql/connection.js';
import { logConditions, type ColumnValues, type LogFilter } from './logs.service.js';
import type { NotificationLog } from './notification-log.entity.js';

const COLUMNS =
  'id, vk_app_id, received_at, raw_type, notification_type, test, vk_user_id, order_id, subscription_id, request, response, error_code, signature_valid, signed_with, warning, duration_ms';

export interface LogPageQuery {
  vkAppId: number;
  filter: LogFilter;
  page: PageArgs;
  /** Count the filtered rows in the same statement (the query selects `totalCount`). */
  withCount: boolean;
}

/** Newest first (by id, like every list: graphql/connection.ts); the same answers and errors as the ORM's read. */
export async function logPage(
  em: EntityManager,
  { vkAppId, filter, page, withCount }: LogPageQuery,
): Promise<ConnectionShape<NotificationLog>> {
  const appId = await appIdOf(em, vkAppId);
  const { size, afterId } = pageWindow(page);
  const pg = isPostgres(em);
  const values: ColumnValues = { bool: (b) => (pg ? b : Number(b)), date: (d) => (pg ? d : d.getTime()) };
  const where = logConditions(appId, filter, values);
  const conn = em.getConnection();
  const count = `(select count(*) from notification_logs where ${where.sql})`;
  const countOnly = async (): Promise<number> =>
    readTotal(((await conn.execute(`select ${count} as total_count`, where.params)) as Row[])[0]);

  // Both stores run an uncorrelated scalar subquery once per statement, whatever the rows.
  const rows = (await conn.execute(
    `select ${COLUMNS}${withCount ? `, ${count} as total_count` : ''} from notification_logs where ${where.sql}${afterId !== null ? ' and id < ?' : ''} order by id desc limit ?`,
    [...(withCount ? where.params : []), ...where.params, ...(afterId !== null ? [afterId] : []), size + 1],
  )) as Row[];
  // No row carries the count: on a first page that is 0; beyond a cursor it is counted when asked.
  const total = withCount ? (rows.length ? readTotal(rows[0]) : afterId === null ? 0 : null) : null;
  return toConnection(rows.map(logFromRow), size, async () => total ?? countOnly());
}

/** PostgreSQL's count is a bigint, which pg hands over as a string. */
const readTotal = (row: Row | undefined): number => readNumber(row?.total_count) ?? 0;

// The text columns come back as strings from both drivers; anything else is not a text column.
const text = (v: unknown): string | null => (typeof v === 'string' ? v : v === null || v === undefined ? null : JSON.stringify(v));

/**
 * A row as stored → the log row as GraphQL shows it (what the ORM's hydration made of it). A plain
 * object, not `new NotificationLog()`: the ORM gives the entity's prototype an accessor per property,
 * and constructing one cost ~50 µs, a millisecond per page.
 */
function logFromRow(r: Row): NotificationLog {
  return {
    id: Number(r.id),
    app: null, // not a GraphQL field; the page is of one app anyway
    vkAppId: readNumber(r.vk_app_id),
    receivedAt: readDate(r.received_at)!,
    rawType: text(r.raw_type),
    notificationType: text(r.notification_type) as NotificationLog['notificationType'],
    test: readBoolean(r.test),
    vkUserId: readNumber(r.vk_user_id),
    orderId: text(r.order_id),
    subscriptionId: text(r.subscription_id),
    // jsonb arrives parsed from PostgreSQL; SQLite keeps JSON text.
    request: (typeof r.request === 'string' ? JSON.parse(r.request) : r.request) as Record<string, unknown>,
    response: String(r.response),
    errorCode: readNumber(r.error_code),
    signatureValid: r.signature_valid === null || r.signature_valid === undefined ? null : readBoolean(r.signature_valid),
    signedWith: text(r.signed_with) as NotificationLog['signedWith'],
    warning: text(r.warning),
    durationMs: Number(r.duration_ms),
  };
}
