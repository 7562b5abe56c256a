/**
 * A log row's text as both stores can keep it. Anyone can put a NUL (`%00`) in a body, so into the
 * type, the ids, the request and the answer that quotes them; PostgreSQL refuses U+0000 in text (22021)
 * and jsonb (22P05), and SQLite reads such text back cut at the NUL. So every U+0000 of a row becomes
 * U+FFFD (the replacement character), on both stores alike, and a request so altered says so under
 * `_truncated` (unverified.ts): the devtools then refuse to replay or explain it as if it were the body
 * that came (devtools/truncated.ts). VK never sends a NUL; a row without one is passed on untouched.
 */
import type { LogEntry } from './handle.js';
import { TRUNCATED_KEY } from './unverified.js';

export const NUL_NOTE = 'NUL characters (U+0000) stored as U+FFFD: neither database keeps them';

const text = <T extends string | null>(value: T): T =>
  value !== null && value.includes('\u0000') ? (value.replaceAll('\u0000', '\uFFFD') as T) : value;

/** `value` with every U+0000 in its strings and keys replaced, or `value` itself when it has none. */
function storable(value: unknown): unknown {
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) {
    const items = value.map(storable);
    return items.some((v, i) => v !== value[i]) ? items : value;
  }
  if (value === null || typeof value !== 'object') return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = text(k);
    const kept = storable(v);
    changed ||= key !== k || kept !== v;
    out[key] = kept;
  }
  return changed ? out : value;
}

/** The request, its NULs replaced and the replacement noted beside any truncation already noted. */
function storableRequest(request: Record<string, unknown>): Record<string, unknown> {
  const kept = storable(request) as Record<string, unknown>;
  if (kept === request) return request;
  const mark = kept[TRUNCATED_KEY];
  const cut = mark !== null && typeof mark === 'object' && !Array.isArray(mark) ? (mark as Record<string, unknown>) : undefined;
  return { ...kept, [TRUNCATED_KEY]: cut ? { ...cut, note: `${String(cut.note)}; ${NUL_NOTE}` } : { note: NUL_NOTE } };
}

/** The row as it is written (and published to the live log): no U+0000 in any of its text. */
export function storableEntry<E extends Partial<LogEntry>>(entry: E): E {
  const out = { ...entry };
  for (const k of ['rawType', 'orderId', 'subscriptionId', 'response', 'warning'] as const) {
    const v = entry[k];
    if (typeof v === 'string') out[k] = text(v);
  }
  if (entry.request) out.request = storableRequest(entry.request);
  return out;
}
