/**
 * Reads VK's form-encoded body (docs/protocol.md §1): decoded names and values, `+` as space.
 * A repeated name or a bracketed one (`a[]`, `a[b]`) is not something VK sends (docs/protocol.md §2).
 */
export type FormResult =
  { ok: true; params: Record<string, string> } | { ok: false; reason: string; params: Record<string, string | string[]> };

/** Problems named in the reason; a hostile body may have thousands. */
const MAX_PROBLEMS = 3;
/** Characters of a field name quoted in the reason. */
const MAX_NAME = 64;

const quoted = (name: string): string => (name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}…` : name);

export function parseForm(body: string): FormResult {
  const params = Object.create(null) as Record<string, string | string[]>;
  const problems = new Set<string>();
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = params[name];
    if (seen === undefined) params[name] = value;
    // Appended in place: copying the list on each repeat made a 64 KB body of one repeated name cost seconds.
    else if (Array.isArray(seen)) seen.push(value);
    else params[name] = [seen, value];
    if (seen !== undefined) problems.add(`field ${quoted(name)} is repeated`);
    if (/[[\]]/.test(name)) problems.add(`field name ${quoted(name)} has brackets`);
  }
  if (problems.size) {
    // The reason goes into the answer and the log: a few problems and a count, never the body again.
    const named = [...problems].slice(0, MAX_PROBLEMS);
    const more = problems.size > MAX_PROBLEMS ? `; and ${problems.size - MAX_PROBLEMS} more` : '';
    return { ok: false, reason: named.join('; ') + more, params: { ...params } };
  }
  return { ok: true, params: { ...(params as Record<string, string>) } };
}
