/**
 * The widget's one GraphQL client: a `fetch` POST of JSON with a bearer token. Not Apollo Client —
 * an embed must stay small (STYLE.md item 7). Every failure becomes a `GraphQLClientError` whose `code`
 * is the server's `extensions.code` (DESIGN.md §6), so callers switch on codes, never on messages.
 */
import type { ApiErrorCode } from '@vk-payments/shared';

/**
 * The server's codes, plus two of the client's own for failures that never reached GraphQL.
 * `(string & {})` keeps codes the server may add later assignable without losing autocompletion.
 */
export type GraphQLClientErrorCode = ApiErrorCode | 'NETWORK_ERROR' | 'BAD_RESPONSE' | (string & {});

export class GraphQLClientError extends Error {
  override name = 'GraphQLClientError';

  constructor(
    readonly code: GraphQLClientErrorCode,
    message: string,
    /** HTTP status, when a response arrived. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface GraphQLClientOptions {
  endpoint: string;
  /** Sent as `Authorization: Bearer …`; omitted when empty so the server answers UNAUTHENTICATED. */
  token?: string | undefined;
  /** Injected by tests or hosts that wrap fetch; defaults to the global one. */
  fetch?: typeof fetch;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: ReadonlyArray<{ message?: unknown; extensions?: { code?: unknown } }>;
}

export class GraphQLClient {
  readonly #endpoint: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;

  constructor({ endpoint, token, fetch: fetchImpl }: GraphQLClientOptions) {
    this.#endpoint = endpoint;
    this.#token = token || undefined;
    // Bound: calling a detached `window.fetch` throws "Illegal invocation".
    this.#fetch = fetchImpl ?? globalThis.fetch.bind(globalThis);
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;

    let response: Response;
    try {
      response = await this.#fetch(this.#endpoint, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal });
    } catch (err) {
      // An abort is the caller's own decision, not a failure to report.
      if (signal?.aborted) throw err;
      throw new GraphQLClientError('NETWORK_ERROR', err instanceof Error ? err.message : String(err));
    }

    let body: GraphQLResponse<T>;
    try {
      body = (await response.json()) as GraphQLResponse<T>;
    } catch {
      throw new GraphQLClientError('BAD_RESPONSE', `HTTP ${response.status}: the answer is not JSON`, response.status);
    }

    // GraphQL errors come with HTTP 200 or 400 alike; the first one names the cause.
    const first = body.errors?.[0];
    if (first) {
      const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
      throw new GraphQLClientError(code, typeof first.message === 'string' ? first.message : code, response.status);
    }
    if (!response.ok || body.data == null) {
      throw new GraphQLClientError('BAD_RESPONSE', `HTTP ${response.status}: no data in the answer`, response.status);
    }
    return body.data;
  }
}
