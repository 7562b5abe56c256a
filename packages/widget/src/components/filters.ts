/**
 * Reading the filter inputs views share: VK user ids and a period of days. People pick whole days,
 * "from" and "to" both inclusive, in their own time zone; the API takes instants with `to` exclusive
 * (`receivedAt < to`, `createdAt < to`), so "to" becomes the next local midnight.
 */

/** Largest GraphQL `Int`: a bigger id would be refused by the server's variable coercion. */
const MAX_INT = 2 ** 31 - 1;

/** A VK user id typed by a person: undefined when empty, null when not a positive integer. */
export function parseUserId(value: string): number | undefined | null {
  const v = value.trim();
  if (!v) return undefined;
  if (!/^\d{1,10}$/.test(v)) return null;
  const n = Number(v);
  return n > 0 && n <= MAX_INT ? n : null;
}

function localMidnight(day: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The instant a `<input type="date">` day starts, or undefined when empty. */
export function dayStart(day: string): string | undefined {
  return localMidnight(day)?.toISOString();
}

/** The instant after a `<input type="date">` day ends (the next local midnight), or undefined when empty. */
export function dayEnd(day: string): string | undefined {
  const d = localMidnight(day);
  if (!d) return undefined;
  d.setDate(d.getDate() + 1); // not +24 h: a DST day is 23 or 25 hours long
  return d.toISOString();
}

/** True when both days are set and "to" comes before "from" (ISO dates compare as strings). */
export const periodReversed = (from: string, to: string): boolean => Boolean(from && to && to < from);
