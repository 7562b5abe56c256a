/**
 * What a GraphQL document must pass before it runs, over HTTP (Apollo) and over WebSocket (graphql-ws)
 * alike: GraphQL's own rules, limits on what one document may ask for, and, for a caller without a
 * valid token, no introspection and no "Did you mean …" hints (the schema is for token holders).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import type { Principal } from '../access/permissions.js';
import type { Context } from './context.js';

/**
 * Limits on what one GraphQL document may ask for, so a single request cannot make the server walk
 * the whole database: our deepest real query (a connection's node with its fields) is depth 4–5.
 */
export const DOCUMENT_LIMITS = { maxDepth: 8, maxAliases: 20, maxCost: 10_000, maxTokens: 2_000 } as const;

/** Given to the parser: a document of more tokens is refused before it is even parsed whole. */
export const PARSE_OPTIONS: ParseOptions = { maxTokens: DOCUMENT_LIMITS.maxTokens };

const armor = new ApolloArmor({
  maxDepth: { n: DOCUMENT_LIMITS.maxDepth },
  maxAliases: { n: DOCUMENT_LIMITS.maxAliases },
  costLimit: { maxCost: DOCUMENT_LIMITS.maxCost },
  // Tokens are limited by the parser (PARSE_OPTIONS); suggestions depend on the caller (withoutSuggestions).
  maxTokens: { enabled: false },
  blockFieldSuggestion: { enabled: false },
});

/** The rules on top of GraphQL's own (`specifiedRules`), the same for every caller. */
export const LIMIT_RULES: readonly ValidationRule[] = armor.protect().validationRules;

/** The rules that depend on who asks: only a valid token may look at the schema. */
export function callerRules(principal: Principal | null): readonly ValidationRule[] {
  return principal ? [] : [NoSchemaIntrospectionCustomRule];
}

/** graphql-js appends suggestions to its messages as ` Did you mean "x"?` / ` Did you mean the enum value "x"?`. */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, '');
}

/** A validation refusal, coded as Apollo codes its own (clients see the same shape on both transports). */
export function validationError(error: GraphQLError, principal: Principal | null): GraphQLError {
  return new GraphQLError(principal ? error.message : withoutSuggestions(error.message), {
    nodes: error.nodes,
    extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
  });
}

/**
 * Parses and validates a document for `principal`, as the HTTP path does (Apollo with LIMIT_RULES, then
 * callerRules in the request plugin): the one entry for transports that do not go through Apollo.
 */
export function checkDocument(
  schema: GraphQLSchema,
  query: unknown,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  principal: Principal | null,
): { document: DocumentNode } | { errors: GraphQLError[] } {
  if (typeof query !== 'string' || query === '') {
    return { errors: [new GraphQLError('the operation must contain a non-empty query', { extensions: { code: 'BAD_REQUEST' } })] };
  }
  let document: DocumentNode;
  try {
    document = parse(query, PARSE_OPTIONS);
  } catch (err) {
    const message = err instanceof GraphQLError ? err.message : 'the query could not be parsed';
    return { errors: [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })] };
  }
  const errors = validate(schema, document, [...specifiedRules, ...LIMIT_RULES, ...callerRules(principal)]);
  if (errors.length) return { errors: errors.map((e) => validationError(e, principal)) };
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    const message = operationName
      ? `no operation named "${operationName}" in the document`
      : 'the document has several operations: name one (operationName)';
    return { errors: [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })] };
  }
  // Variables that do not fit their types are the caller's mistake (BAD_USER_INPUT, as Apollo answers them).
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 20 });
  if (coerced.errors) {
    return {
      errors: coerced.errors.map(
        (e) =>
          new GraphQLError(principal ? e.message : withoutSuggestions(e.message), {
            nodes: e.nodes,
            extensions: { code: 'BAD_USER_INPUT' },
          }),
      ),
    };
  }
  return { document };
}

/**
 * The caller-dependent part of the HTTP path. Apollo caches validated documents by their text whoever
 * sent them, so these rules cannot be among its `validationRules`: they run on every request instead.
 */
export const callerRulesPlugin: ApolloServerPlugin<Context> = {
  requestDidStart({ contextValue }) {
    const principal = contextValue.principal;
    if (principal) return Promise.resolve({});
    return Promise.resolve({
      didResolveOperation({ schema, document }) {
        const [first] = validate(schema, document, callerRules(principal));
        if (!first) return Promise.resolve();
        const refused = validationError(first, principal);
        return Promise.reject(
          new GraphQLError(refused.message, { nodes: refused.nodes, extensions: { ...refused.extensions, http: { status: 400 } } }),
        );
      },
      didEncounterErrors({ errors }) {
        for (const error of errors) error.message = withoutSuggestions(error.message);
        return Promise.resolve();
      },
    });
  },
};
