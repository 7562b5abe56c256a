/**
 * GraphQL errors carry `extensions.code` from one table in shared (ARCHITECTURE.md §4); the widget and scripts
 * switch on the code. Anything else thrown is masked as INTERNAL_SERVER_ERROR by `formatError`.
 */
import { API_ERROR_CODES, type ApiErrorCode } from '@vk-payments/shared';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { z } from 'zod';

export class ApiError extends GraphQLError {
  constructor(code: ApiErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code: API_ERROR_CODES[code], ...extra } });
  }
}

export const notFound = (what: string): ApiError => new ApiError('NOT_FOUND', `${what} not found`);

/** A record id as GraphQL passes it (an ID string): decimal digits only, else BAD_USER_INPUT on `field`. */
export function recordId(id: string, what: string, field = 'id'): number {
  if (!/^\d{1,15}$/.test(id)) throw new ApiError('BAD_USER_INPUT', `${field}: not ${what} id`, { field });
  return Number(id);
}

/** Validates input with a zod schema; the first problem becomes BAD_USER_INPUT naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  throw new ApiError('BAD_USER_INPUT', field ? `${field}: ${issue.message}` : issue.message, { field: field || undefined });
}

/** Codes that come from GraphQL itself (parse, validation, variable coercion) and are safe to show. */
const PASS_THROUGH = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE']);

export function formatError(formatted: GraphQLFormattedError, error: unknown, onMasked: (error: unknown) => void): GraphQLFormattedError {
  const original = (error as { originalError?: unknown } | null)?.originalError;
  // An ApiError comes either wrapped by graphql-js (thrown in a resolver) or as is (thrown before execution).
  const api = error instanceof ApiError ? error : original instanceof ApiError ? original : null;
  if (api) return { ...formatted, extensions: { ...api.extensions } };
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PASS_THROUGH.has(code) && !(original instanceof Error && !(original instanceof GraphQLError))) {
    return formatted;
  }
  onMasked(original ?? error);
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: API_ERROR_CODES.INTERNAL_SERVER_ERROR } };
}
