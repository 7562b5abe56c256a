/**
 * GraphQL errors carry `extensions.code` from one table in shared (ARCHITECTURE.md §4); the widget and scripts
 * switch on the code. Anything else thrown is masked as INTERNAL_SERVER_ERROR by `formatError`.
 */
import { API_ERROR_CODES, INPUT_REASONS, type ApiErrorCode, type InputErrorParams, type InputReason } from '@vk-payments/shared';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { z } from 'zod';

export class ApiError extends GraphQLError {
  constructor(code: ApiErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code: API_ERROR_CODES[code], ...extra } });
  }
}

export const notFound = (what: string): ApiError => new ApiError('NOT_FOUND', `${what} not found`);

/**
 * BAD_USER_INPUT on `field` (as the API names it), with `params` for clients to word it themselves
 * and `why` in English for people: the message reads "field: why".
 */
export const badInput = (field: string, params: InputErrorParams, why: string): ApiError =>
  new ApiError('BAD_USER_INPUT', `${field}: ${why}`, { field, params });

/** A record id as GraphQL passes it (an ID string): decimal digits only, else BAD_USER_INPUT on `field`. */
export function recordId(id: string, what: string, field = 'id'): number {
  if (!/^\d{1,15}$/.test(id)) throw badInput(field, { reason: 'invalidFormat', format: 'id' }, `not ${what} id`);
  return Number(id);
}

const isReason = (value: unknown): value is InputReason => (INPUT_REASONS as readonly unknown[]).includes(value);

/**
 * The reason of a zod issue and its numbers. Checks that need more than zod says (a URL with a
 * password, a date in the future) pass an `InputErrorParams` as their refinement's `params`.
 */
export function issueParams(issue: z.core.$ZodIssue): InputErrorParams {
  switch (issue.code) {
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? { reason: 'required' } : { reason: 'tooShort', min };
      if (issue.origin === 'array' || issue.origin === 'set') return { reason: 'tooFew', min };
      return { reason: 'tooSmall', min };
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return { reason: 'tooLong', max };
      if (issue.origin === 'array' || issue.origin === 'set') return { reason: 'tooMany', max };
      return { reason: 'tooLarge', max };
    }
    case 'invalid_type':
      if (issue.expected === 'int') return { reason: 'notInteger' };
      return issue.input === undefined || issue.input === null
        ? { reason: 'required' }
        : { reason: 'invalidFormat', format: issue.expected };
    case 'invalid_value':
      return { reason: 'notOneOf', values: issue.values.map(String) };
    case 'invalid_format':
      return issue.format === 'url' ? { reason: 'invalidUrl' } : { reason: 'invalidFormat', format: issue.format };
    case 'custom':
      return isReason(issue.params?.reason) ? documentedParams(issue.params as InputErrorParams) : { reason: 'invalid' };
    default:
      return { reason: 'invalid' };
  }
}

/**
 * Only the documented keys of a refinement's params, each of its documented type: a refinement that
 * one day put the submitted value (a key, a URL) into its params must not send it back to the client.
 */
function documentedParams(p: InputErrorParams): InputErrorParams {
  const out: InputErrorParams = { reason: p.reason };
  if (typeof p.min === 'number') out.min = p.min;
  if (typeof p.max === 'number') out.max = p.max;
  if (Array.isArray(p.values)) out.values = p.values.filter((v) => typeof v === 'string');
  for (const key of ['format', 'than', 'step', 'rule'] as const) if (typeof p[key] === 'string') out[key] = p[key];
  return out;
}

/** Validates input with a zod schema; the first problem becomes BAD_USER_INPUT naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  const params = issueParams(issue);
  throw field ? badInput(field, params, issue.message) : new ApiError('BAD_USER_INPUT', issue.message, { params });
}

/** Codes that come from GraphQL itself (parse, validation, variable coercion) and are safe to show. */
const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

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
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: API_ERROR_CODES.INTERNAL_SERVER_ERROR },
  };
}
