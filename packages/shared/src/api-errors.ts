/**
 * `extensions.code` values of GraphQL errors (ARCHITECTURE.md §4). Clients switch on these, never on messages.
 */
export const API_ERROR_CODES = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  /**
   * Too many requests for one token (or one address without a valid token); HTTP answers 429 with
   * Retry-After; a graphql-ws `subscribe` gets it with `retryAfterSeconds`. Over graphql-ws also: too many
   * operations at once on one socket (the error carries `limit` and no retry time: complete one first).
   */
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_CODES;
