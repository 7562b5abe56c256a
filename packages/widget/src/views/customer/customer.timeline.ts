/**
 * The user's merged timeline, newest first, from four lists the server pages separately (each newest
 * first by id, i.e. by arrival). Pure: the view keeps the loaded rows and asks this what to show.
 *
 * A row of one list can only be placed once every list that has more pages has been read down to its
 * time: otherwise the next page of another list could hold something newer. So the timeline shows what
 * is at or after the horizon (the latest "read down to" among the lists with more), and "load more"
 * reads the next page of those lists. Events that come later than their row's arrival (a refund, a
 * subscription's last change) are placed by their own time.
 */
import type { Delivery, Note, Order, Page, Sub } from './customer.query.js';

export const SOURCES = ['orders', 'subscriptions', 'notifications', 'deliveries'] as const;
export type Source = (typeof SOURCES)[number];

export interface Stream<T> {
  rows: T[];
  /** The endCursor to read on from; null when the list is read to its end. */
  cursor: string | null;
}

export interface Streams {
  orders: Stream<Order>;
  subscriptions: Stream<Sub>;
  notifications: Stream<Note>;
  deliveries: Stream<Delivery>;
}

export type Entry = { key: string; at: string } & (
  | { kind: 'order' | 'refund'; order: Order }
  | { kind: 'subscription'; sub: Sub }
  | { kind: 'notification'; note: Note }
  | { kind: 'delivery'; delivery: Delivery }
);

/** When the last row read of a list arrived: what its list is ordered by. */
function lastArrival(s: Streams, source: Source): string | undefined {
  switch (source) {
    case 'orders':
      return s.orders.rows.at(-1)?.createdAt;
    case 'subscriptions':
      return s.subscriptions.rows.at(-1)?.createdAt;
    case 'notifications':
      return s.notifications.rows.at(-1)?.receivedAt;
    case 'deliveries':
      return s.deliveries.rows.at(-1)?.createdAt;
  }
}

export const emptyStreams = (): Streams => ({
  orders: { rows: [], cursor: null },
  subscriptions: { rows: [], cursor: null },
  notifications: { rows: [], cursor: null },
  deliveries: { rows: [], cursor: null },
});

/** Adds a page of each list read (rows not already there, by id) and its cursor. */
export function addPages(streams: Streams, page: Page): Streams {
  const next = { ...streams };
  for (const source of SOURCES) {
    const conn = page[source];
    if (!conn) continue;
    const have = new Set(streams[source].rows.map((r) => r.id));
    const rows = [...streams[source].rows, ...conn.edges.map((e) => e.node).filter((n) => !have.has(n.id))];
    next[source] = { rows, cursor: conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null } as never;
  }
  return next;
}

/** The lists with pages left. */
export const unread = (streams: Streams): Source[] => SOURCES.filter((s) => streams[s].cursor !== null);

function entriesOf(s: Streams): Entry[] {
  const out: Entry[] = [];
  for (const order of s.orders.rows) {
    out.push({ key: `o${order.id}`, at: order.createdAt, kind: 'order', order });
    if (order.refundedAt) out.push({ key: `r${order.id}`, at: order.refundedAt, kind: 'refund', order });
  }
  for (const sub of s.subscriptions.rows) out.push({ key: `s${sub.id}`, at: sub.updatedAt, kind: 'subscription', sub });
  for (const note of s.notifications.rows) out.push({ key: `n${note.id}`, at: note.receivedAt, kind: 'notification', note });
  for (const delivery of s.deliveries.rows) out.push({ key: `d${delivery.id}`, at: delivery.createdAt, kind: 'delivery', delivery });
  return out;
}

/** Every list with more pages has been read down to at least this time (ms); -Infinity when all are read. */
export function horizon(streams: Streams): number {
  let h = -Infinity;
  for (const source of unread(streams)) {
    const last = lastArrival(streams, source);
    h = Math.max(h, last === undefined ? Infinity : Date.parse(last));
  }
  return h;
}

/** What can be shown now, newest first (same time: by key, so the order does not flicker). */
export function timeline(streams: Streams): Entry[] {
  const h = horizon(streams);
  return entriesOf(streams)
    .filter((e) => Date.parse(e.at) >= h)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.key < b.key ? 1 : -1));
}
