/**
 * What the log keeps of a request whose signature was never verified (unknown app, missing or wrong
 * `sig`, unreadable body): anyone can send one, so it is kept bounded — the field names, values cut to
 * a few dozen characters, how many fields did not fit and the body's size — never the body whole. A
 * verified request is logged whole (handle.ts); VK's own bodies are a few hundred bytes and fit here
 * unchanged, so an integrator's badly signed request still shows exactly what came.
 * Pure: the same row goes to the database and to the live log.
 */

export const UNVERIFIED_LIMITS = {
  /** Characters kept of a field name or value; VK's longest (sig, ids, item ids) are shorter. */
  chars: 64,
  /** Fields kept; VK sends about fifteen. */
  fields: 32,
  /** JSON characters of all the kept names and values together (escapes make some characters cost 6). */
  budget: 4096,
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
  const { chars, fields: maxFields, budget } = UNVERIFIED_LIMITS;
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
      const cost = JSON.stringify(piece.text).length + (texts.length === 0 ? JSON.stringify(key.text).length + 2 : 1);
      if (keptCount >= maxFields || spent + cost > budget) {
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
    note: `the signature was not verified, so only a bounded part was kept: names and values cut to ${chars} characters, at most ${maxFields} fields`,
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
