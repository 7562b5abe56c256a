/**
 * File downloads from the server's `/export/*` routes (docs/protocol.md §8: CSV export). They take the same
 * bearer token as GraphQL, which a plain link cannot send, so the file is fetched and handed to the
 * browser as a blob through a temporary `<a download>`.
 */
import type { GraphQLClient } from '../client/graphql-client.js';
import { GraphQLClientError } from '../client/graphql-client.js';

/** The export URL: the GraphQL endpoint (absolute or relative to the page) with its path replaced; empty params left out. */
export function exportUrl(endpoint: string, path: string, params: Record<string, string | number | boolean | null | undefined>): URL {
  const url = new URL(path, new URL(endpoint, location.href));
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') url.searchParams.set(k, String(v));
  return url;
}

/**
 * Fetches `url` with the client's token and saves it under the server's name (`content-disposition`),
 * else `fallback`. An expired widget session (401) is renewed once the way GraphQL requests renew it —
 * by asking the server who we are, which makes the client call `fetchToken` — and the download is
 * tried again. Failures throw a `GraphQLClientError` with the server's code, as the export answers
 * `{ error: { code, message } }`.
 */
export async function download(client: GraphQLClient, url: URL, fallback: string, into: Node, signal?: AbortSignal): Promise<string> {
  const get = async (): Promise<Response> => {
    const token = await client.token();
    return fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal }).catch((err: Error) => {
      throw new GraphQLClientError('NETWORK_ERROR', err.message);
    });
  };
  let res = await get();
  if (res.status === 401) {
    await client.request('{me{kind}}', {}, signal); // refreshes the token, or throws UNAUTHENTICATED
    res = await get();
  }
  if (!res.ok) {
    const { error } = ((await res.json().catch(() => null)) ?? {}) as {
      error?: { code?: string; message?: string; field?: unknown; params?: unknown };
    };
    throw new GraphQLClientError(error?.code ?? 'BAD_RESPONSE', error?.message ?? `HTTP ${res.status}`, res.status, error);
  }
  const a = Object.assign(document.createElement('a'), {
    href: URL.createObjectURL(await res.blob()),
    download: /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallback,
    hidden: true,
  });
  into.appendChild(a); // in the document, so the click is a real one
  a.click();
  a.remove();
  // Revoked later, not at once: the browser reads the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  return a.download;
}
