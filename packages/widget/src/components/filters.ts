/**
 * Reading the filter inputs views share: VK user ids and a period of days. People pick whole days,
 * "from" and "to" both inclusive, in their own time zone; the API takes instants with `to` exclusive
 * (`receivedAt < to`, `createdAt < to`), so "to" becomes the next local midnight.
 */

/**
 * A VK user id typed by a person (trimmed): undefined when empty, null when not a positive integer
 * up to the largest GraphQL `Int` (a bigger id would be refused by the server's variable coercion).
 */
export function parseUserId(value?: string): number | undefined | null {
  const n = Number(value);
  return value ? (/^\d{1,10}$/.test(value) && n > 0 && n < 2 ** 31 ? n : null) : undefined;
}

/** The local midnight `add` days after `day` (an `<input type="date">` value) as an instant; undefined when empty. */
function midnight(day: string | undefined, add: number): string | undefined {
  const d = new Date(`${day}T00:00`); // no offset: local time
  d.setDate(d.getDate() + add); // not +24 h: a DST day is 23 or 25 hours long
  return isNaN(+d) ? undefined : d.toISOString();
}

/** The instant a day starts. */
export const dayStart = (day?: string): string | undefined => midnight(day, 0);

/** The instant after a day ends (the next local midnight). */
export const dayEnd = (day?: string): string | undefined => midnight(day, 1);

/** A VK user id typed as a number or pasted as a profile link (vk.com/id123); GraphQL's Int is 32-bit. */
export function parseVkUserId(value: string): number | null {
  const id = Number(/^(?:(?:https?:\/\/)?(?:m\.)?vk\.com\/id)?(\d{1,10})\/?$/i.exec(value.trim())?.[1]);
  return id > 0 && id < 2 ** 31 ? id : null;
}
