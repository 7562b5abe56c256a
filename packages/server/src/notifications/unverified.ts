/**
 * What the log keeps of a request whose signature was never verified (unknown app, missing or wrong
 * `sig`, unreadable body): anyone can send one, so it is kept bounded — the field names, values cut to
 * a few dozen characters, how many fields did not fit and the body's size — never the body whole, and
 * never more than `UNVERIFIED_LIMITS.bytes` of JSON in all (README "Security": with the per-minute caps
 * and the short retention of such rows, this is what bounds the disk an attacker can fill). A verified
 * request is logged whole (handle.ts); VK's own bodies are a few hundred bytes and fit here unchanged,
 * so an integrator's badly signed request still shows exactly what came.
 * Pure: the same row goes to the database and to the live log.
 */

export const UNVERIFIED_LIMITS = {
  /** Characters kept of a field name or value; VK's longest (sig, ids, item ids) are shorter. */
  chars: 64,
  /** Fields kept; VK sends at most about sixteen. */
  fields: 20,
  /** UTF-8 bytes of the whole `request` as JSON, the truncation mark included. */
  bytes: 1024,
} as const;
/**
 * The key that marks a row as cut. Its value is an object, which no form field can be (a form
 * field's value is text), so a request cannot pass itself off as cut, nor a cut one as whole.
 */
export const TRUNCATED_KEY = '_truncated';

export interface TruncationNote {
  /** Size of the body as it came, in bytes. */
  bodyBytes: number;
  /** Fields in the body. */
  fields: number;
  /** Fields left out: beyond the field cap or the size budget. */
  omittedFields: number;
  /** What was done, in words for the log view. */
  note: string;
}

/** What a cut row says of itself, in words for the log view. */
const NOTE = `signature not verified: names and values cut to ${UNVERIFIED_LIMITS.chars} characters, at most ${UNVERIFIED_LIMITS.fields} fields, ${UNVERIFIED_LIMITS.bytes} bytes`;

const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/**
 * Bytes left for the kept names and values: the whole bound less the braces and the largest mark
 * (every count at its largest), so the row stays within `bytes` whatever the counts turn out to be.
 */
const FIELDS_BUDGET = (() => {
  const n = Number.MAX_SAFE_INTEGER;
  const mark: TruncationNote = { bodyBytes: n, fields: n, omittedFields: n, note: NOTE };
  return UNVERIFIED_LIMITS.bytes - bytesOf({ [TRUNCATED_KEY]: mark }) - 1; // 1: the comma before the mark
})();

/** `value`, or its first `max` characters (never half a surrogate pair) marked with its length. */
function cut(value: string, max: number): { text: string; cut: boolean } {
  if (value.length <= max) return { text: value, cut: false };
  let head = value.slice(0, max);
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return { text: `${head}… (${value.length} characters)`, cut: true };
}

/**
 * The log's `request` for an unverified request: the decoded fields (a repeated one as the list of its
 * values), whole when every name and value is short and they are few, which is what VK sends; else
 * bounded, with `_truncated` saying so (see TruncationNote).
 */
export function unverifiedRequest(params: Readonly<Record<string, string | string[]>>, bodyBytes: number): Record<string, unknown> {
  const { chars, fields: maxFields } = UNVERIFIED_LIMITS;
  const kept: Record<string, string | string[]> = {};
  let truncated = false;
  let total = 0;
  let keptCount = 0;
  let spent = 0;
  for (const [name, value] of Object.entries(params)) {
    const values = Array.isArray(value) ? value : [value];
    total += values.length;
    const key = cut(name, chars);
    // Our own mark, or two long names alike in their first characters: not kept (the count says so).
    if (key.text === TRUNCATED_KEY || Object.hasOwn(kept, key.text)) {
      truncated = true;
      continue;
    }
    const texts: string[] = [];
    for (const v of values) {
      const piece = cut(v, chars);
      // In bytes as stored: `"name":` and a comma for the field's first value (and `[]` for a list), a comma for each further one.
      const cost = bytesOf(piece.text) + (texts.length === 0 ? bytesOf(key.text) + 2 + (Array.isArray(value) ? 2 : 0) : 1);
      if (keptCount >= maxFields || spent + cost > FIELDS_BUDGET) {
        truncated = true;
        continue;
      }
      spent += cost;
      keptCount += 1;
      truncated ||= piece.cut || key.cut;
      texts.push(piece.text);
    }
    if (texts.length) kept[key.text] = Array.isArray(value) ? texts : texts[0]!;
  }
  if (!truncated) return { ...params };
  const note: TruncationNote = {
    bodyBytes,
    fields: total,
    omittedFields: total - keptCount,
    note: NOTE,
  };
  return { ...kept, [TRUNCATED_KEY]: note };
}

/** Whether a log row's `request` (or a JSON object pasted from one) is a cut copy, not the request whole. */
export function isTruncatedRequest(request: unknown): boolean {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) return false;
  const mark = (request as Record<string, unknown>)[TRUNCATED_KEY];
  return mark !== null && typeof mark === 'object';
}

/** The log's `request` for a body that was never read (too large, unreadable): why, and the size it claimed. */
export function unreadableRequest(reason: string, contentLength: string | undefined): Record<string, unknown> {
  const declared = contentLength !== undefined && /^\d{1,15}$/.test(contentLength) ? Number(contentLength) : null;
  return { _unreadable: reason, contentLength: declared };
}
