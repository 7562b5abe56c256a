import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, formatError, parseInput } from './errors.js';

/** What Apollo hands formatError: the formatted error and the thrown one wrapped as originalError. */
function thrownInResolver(original: Error): [ReturnType<GraphQLError['toJSON']>, GraphQLError] {
  const wrapped = new GraphQLError(original.message, { originalError: original, path: ['app'] });
  return [{ ...wrapped.toJSON(), extensions: { code: 'INTERNAL_SERVER_ERROR' } }, wrapped];
}

describe('GraphQL error answers', () => {
  it('masks an unexpected error as INTERNAL_SERVER_ERROR and hands the real one to the server log', () => {
    const logged: unknown[] = [];
    const secretish = new Error('select * from apps where secret_key = ...');
    const answer = formatError(...thrownInResolver(secretish), (err) => logged.push(err));
    expect(answer).toEqual({
      message: 'Internal server error',
      locations: undefined,
      path: ['app'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(logged).toEqual([secretish]);
  });

  it('passes our own errors through with their code and extra fields', () => {
    const mine = new ApiError('BAD_USER_INPUT', 'price: must be at least 1 vote', { field: 'price' });
    const answer = formatError(...thrownInResolver(mine), () => expect.unreachable());
    expect(answer).toMatchObject({ message: 'price: must be at least 1 vote', extensions: { code: 'BAD_USER_INPUT', field: 'price' } });
  });

  it("passes GraphQL's own validation errors through", () => {
    const validation = { message: 'Cannot query field "nope" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    expect(formatError(validation, new GraphQLError(validation.message), () => expect.unreachable())).toBe(validation);
  });

  it('parseInput names the field of the first problem', () => {
    expect(() => parseInput(z.object({ title: z.string().max(3, 'too long') }), { title: 'abcd' })).toThrowError(
      expect.objectContaining({
        message: 'title: too long',
        extensions: { code: 'BAD_USER_INPUT', field: 'title', params: { reason: 'tooLong', max: 3 } },
      }),
    );
  });
});
