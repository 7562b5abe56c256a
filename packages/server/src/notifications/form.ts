/**
 * Reads VK's form-encoded body (PROTOCOL.md §1): decoded names and values, `+` as space.
 * A repeated name or a bracketed one (`a[]`, `a[b]`) is not something VK sends (PROTOCOL.md §2).
 */
export type FormResult =
  | { ok: true; params: Record<string, string> }
  | { ok: false; reason: string; params: Record<string, string | string[]> };

export function parseForm(body: string): FormResult {
  const params: Record<string, string | string[]> = Object.create(null);
  const problems: string[] = [];
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = params[name];
    if (seen !== undefined) {
      params[name] = Array.isArray(seen) ? [...seen, value] : [seen, value];
      problems.push(`field ${name} is repeated`);
    } else {
      params[name] = value;
    }
    if (/[[\]]/.test(name)) problems.push(`field name ${name} has brackets`);
  }
  if (problems.length) return { ok: false, reason: [...new Set(problems)].join('; '), params: { ...params } };
  return { ok: true, params: { ...(params as Record<string, string>) } };
}
