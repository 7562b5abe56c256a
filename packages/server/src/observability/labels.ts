/**
 * Metric label values from closed lists. A request chooses its GraphQL `operationName`, its field
 * aliases and its `notification_type`; used as labels, each new value would be a new series kept for
 * the life of the process. So a label is a name we know (a field of the schema's root types, a
 * notification kind, an error code of ours or Apollo's) or `other`.
 */
import { ApolloServerErrorCode, ApolloServerValidationErrorCode } from '@apollo/server/errors';
import { API_ERROR_CODES } from '@vk-payments/shared';
import { Kind, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { OTHER } from './notification-label.js';

export { notificationTypeLabel, OTHER } from './notification-label.js';

/** The operation's first root field (its name, not its alias) when the schema has it, else `other`. */
export function operationLabel(schema: GraphQLSchema, operation: OperationDefinitionNode | undefined): string {
  if (!operation) return OTHER;
  const root = schema.getRootType(operation.operation);
  const first = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  if (!root || first?.kind !== Kind.FIELD) return OTHER;
  const name = first.name.value;
  return Object.hasOwn(root.getFields(), name) ? name : OTHER;
}

const CODES: ReadonlySet<unknown> = new Set<unknown>([
  ...Object.values(API_ERROR_CODES),
  ...Object.values(ApolloServerErrorCode),
  ...Object.values(ApolloServerValidationErrorCode),
]);

/** An error's `extensions.code` when it is one of ours or Apollo's, else `ERROR`. */
export function errorCodeLabel(code: unknown): string {
  return CODES.has(code) ? String(code) : 'ERROR';
}
