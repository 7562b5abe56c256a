import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { errorCodeLabel, notificationTypeLabel, operationLabel } from './labels.js';

const schema = buildSchema('type Query { apps: [Int] me: Int } type Mutation { createApp: Int }');
const op = (source: string): OperationDefinitionNode => parse(source).definitions[0] as OperationDefinitionNode;

describe('metric label values', () => {
  it.each([
    ['query Chosen { apps }', 'apps'],
    ['{ renamed: me apps }', 'me'],
    ['mutation { createApp }', 'createApp'],
    ['mutation { apps }', 'other'],
    ['{ __typename }', 'other'],
    ['{ ...F }', 'other'],
    ['subscription { apps }', 'other'],
  ])('%s is labelled %s', (source, label) => {
    expect(operationLabel(schema, op(source))).toBe(label);
  });

  it('labels an operation that never resolved as other', () => {
    expect(operationLabel(schema, undefined)).toBe('other');
  });

  it('keeps known error codes and folds the rest', () => {
    expect(errorCodeLabel('FORBIDDEN')).toBe('FORBIDDEN');
    expect(errorCodeLabel('GRAPHQL_VALIDATION_FAILED')).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errorCodeLabel('MADE_UP_BY_SOMEONE')).toBe('ERROR');
    expect(errorCodeLabel(undefined)).toBe('ERROR');
  });

  it('keeps the four notification kinds and folds the rest', () => {
    expect(notificationTypeLabel('order_status_change')).toBe('order_status_change');
    expect(notificationTypeLabel('order_status_change_zz')).toBe('other');
    expect(notificationTypeLabel(null)).toBe('other');
  });
});
