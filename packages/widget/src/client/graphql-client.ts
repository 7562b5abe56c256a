/**
 * The widget's one GraphQL client: a `fetch` POST of JSON with a bearer token. Not Apollo Client —
 * an embed must stay small. Every failure becomes a `GraphQLClientError` whose `code`
 * is the server's `extensions.code` (ARCHITECTURE.md §4), so callers switch on codes, never on messages.
 */
import type { ApiErrorCode, InputErrorParams } from '@vk-payments/shared';
import { ME, type Me } from './me.js';

/**
 * The server's codes, plus two of the client's own for failures that never reached GraphQL.
 * `(string & {})` keeps codes the server may add later assignable without losing autocompletion.
 */
export type GraphQLClientErrorCode = ApiErrorCode | 'NETWORK_ERROR' | 'BAD_RESPONSE' | (string & {});

export class GraphQLClientError extends Error {
  override name = 'GraphQLClientError';

  /** The input field at fault, as the API names it (`extensions.field`). */
  readonly field: string | undefined;
  /** Why, with its numbers (`extensions.params`), for the widget to say in its own words. */
  readonly params: InputErrorParams | undefined;
  /** What state is in the way of a CONFLICT (`extensions.reason`, e.g. `REQUEST_PENDING`). */
  readonly reason: string | undefined;

  constructor(
    readonly code: GraphQLClientErrorCode,
    message: string,
    /** HTTP status, when a response arrived. */
    readonly status?: number,
    extensions?: { field?: unknown; params?: unknown; reason?: unknown },
  ) {
    super(message);
    this.field = typeof extensions?.field === 'string' ? extensions.field : undefined;
    const params = extensions?.params as InputErrorParams | null | undefined;
    this.params = typeof params?.reason === 'string' ? params : undefined;
    this.reason = typeof extensions?.reason === 'string' ? extensions.reason : undefined;
  }
}

/** An async source of bearer tokens (the host's backend minting widget sessions), asked again on expiry. */
export type TokenSource = () => Promise<string>;

export interface GraphQLClientOptions {
  endpoint: string;
  /** Sent as `Authorization: Bearer …`; omitted when empty so the server answers UNAUTHENTICATED. */
  token?: string | undefined;
  /**
   * Asked for a token when there is none, and once more when the server answers UNAUTHENTICATED
   * (an expired widget session); the request is then retried with the new token.
   */
  fetchToken?: TokenSource | undefined;
  /** Injected by tests or hosts that wrap fetch; defaults to the global one. */
  fetch?: typeof fetch;
}

/** Who the token belongs to (`me`), for role-aware views. */
export type { Me };

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: ReadonlyArray<{ message?: unknown; extensions?: { code?: unknown; field?: unknown; params?: unknown; reason?: unknown } }>;
}

export class GraphQLClient {
  readonly endpoint: string;
  #token: string | undefined;
  readonly #fetchToken: TokenSource | undefined;
  readonly #fetch: typeof fetch;
  #me: Promise<Me> | undefined;
  #pending: Promise<string> | undefined;

  constructor({ endpoint, token, fetchToken, fetch: fetchImpl }: GraphQLClientOptions) {
    this.endpoint = endpoint;
    this.#token = token || undefined;
    this.#fetchToken = fetchToken;
    // Bound: calling a detached `window.fetch` throws "Illegal invocation".
    this.#fetch = fetchImpl ?? globalThis.fetch.bind(globalThis);
  }

  /** The bearer token now in use (for the live log's WebSocket and CSV downloads). */
  async token(): Promise<string | undefined> {
    if (this.#token || !this.#fetchToken) return this.#token;
    return this.#refresh(undefined);
  }

  /**
   * Asks the host for a new token, once however many requests need it at the same moment: requests
   * that failed with `stale` wait for the same answer, and one that failed with an older token than
   * the current one just uses the current one.
   */
  #refresh(stale: string | undefined): Promise<string> {
    if (this.#token !== stale && this.#token) return Promise.resolve(this.#token);
    this.#pending ??= this.#fetchToken!()
      .then((token) => {
        this.#token = token;
        this.#me = undefined;
        return token;
      })
      .finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /** Who the token belongs to; asked once per client. */
  me(): Promise<Me> {
    this.#me ??= this.request<{ me: Me }>(ME).then((d) => d.me);
    this.#me.catch(() => (this.#me = undefined)); // a failure is not remembered
    return this.#me;
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
    const token = await this.token();
    try {
      return await this.#send<T>(query, variables, signal, token);
    } catch (err) {
      // An expired session: ask the host for a new token (once), then try again.
      if (!(err instanceof GraphQLClientError && err.code === 'UNAUTHENTICATED' && this.#fetchToken)) throw err;
      return this.#send<T>(query, variables, signal, await this.#refresh(token));
    }
  }

  async #send<T>(
    query: string,
    variables: Record<string, unknown>,
    signal: AbortSignal | undefined,
    token: string | undefined,
  ): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;

    let response: Response;
    try {
      response = await this.#fetch(this.endpoint, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal });
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
      throw new GraphQLClientError(code, typeof first.message === 'string' ? first.message : code, response.status, first.extensions);
    }
    if (!response.ok || body.data == null) {
      throw new GraphQLClientError('BAD_RESPONSE', `HTTP ${response.status}: no data in the answer`, response.status);
    }
    return body.data;
  }
}
