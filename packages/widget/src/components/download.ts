/**
 * File downloads from the server's `/export/*` routes (PROTOCOL.md §8: CSV export). They take the same
 * bearer token as GraphQL, which a plain link cannot send, so the file is fetched and handed to the
 * browser as a blob through a temporary `<a download>`.
 */
import type { GraphQLClient } from '../client/graphql-client.js';
import { GraphQLClientError } from '../client/graphql-client.js';

/** The export URL: the GraphQL endpoint (absolute or relative to the page) with its path replaced. */
export function exportUrl(endpoint: string, path: string, params: Record<string, string | number | undefined>): URL {
  const url = new URL(path, new URL(endpoint, location.href));
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  return url;
}

/** The name from `content-disposition` (quoted or RFC 5987 `filename*`), else `fallback`. */
export function fileName(disposition: string | null, fallback: string): string {
  const m = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  if (!m) return fallback;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1]!;
  }
}

async function get(url: URL, token: string | undefined, signal?: AbortSignal): Promise<Response> {
  try {
    return await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal });
  } catch (err) {
    throw new GraphQLClientError('NETWORK_ERROR', err instanceof Error ? err.message : String(err));
  }
}

/**
 * Fetches `url` with the client's token and saves it. An expired widget session (401) is renewed once
 * the way GraphQL requests renew it — by asking the server who we are, which makes the client call
 * `fetchToken` — and the download is tried again. Failures throw a `GraphQLClientError` with the
 * server's code, as the export answers `{ error: { code, message } }`.
 */
export async function download(client: GraphQLClient, url: URL, fallback: string, into: Node, signal?: AbortSignal): Promise<string> {
  let token = await client.token();
  let res = await get(url, token, signal);
  if (res.status === 401) {
    await client.request('{ me { kind } }', {}, signal); // refreshes the token, or throws UNAUTHENTICATED
    const fresh = await client.token();
    if (fresh !== token) res = await get(url, (token = fresh), signal);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw new GraphQLClientError(body?.error?.code ?? 'BAD_RESPONSE', body?.error?.message ?? `HTTP ${res.status}`, res.status);
  }
  const name = fileName(res.headers.get('content-disposition'), fallback);
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.hidden = true;
  into.appendChild(a);
  a.click();
  a.remove();
  // Revoked later, not at once: the browser reads the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return name;
}
