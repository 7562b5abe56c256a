import 'reflect-metadata';
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode, type FieldNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectsTotalCount } from './connection.js';

/** The resolver's view of `query`: its first root field, and the document's fragments. */
function infoOf(query: string): Parameters<typeof selectsTotalCount>[0] {
  const doc = parse(query);
  const operation = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments };
}

describe('whether a connection query asks for totalCount', () => {
  it.each([
    ['directly', '{ logs { totalCount edges { cursor } } }', true],
    ['under an alias', '{ logs { n: totalCount } }', true],
    ['in an inline fragment', '{ logs { ... on C { totalCount } } }', true],
    ['in a named fragment', '{ logs { ...F } } fragment F on C { edges { cursor } ...G } fragment G on C { totalCount }', true],
    ['not at all', '{ logs { edges { node { id } } pageInfo { hasNextPage } } }', false],
    ['only deeper, on a node field of the same name', '{ logs { edges { node { totalCount } } } }', false],
    [
      'not, through fragments that spread each other',
      '{ logs { ...F } } fragment F on C { ...G edges { cursor } } fragment G on C { ...F }',
      false,
    ],
  ])('%s', (_how, query, expected) => {
    expect(selectsTotalCount(infoOf(query))).toBe(expected);
  });
});
