/**
 * Relay-style cursor connections (ARCHITECTURE.md §4): newest first by id, `first`/`after`, `totalCount`.
 * The cursor is opaque to clients (an encoded id), so the ordering can change without breaking them.
 * A list that is worked through in arrival order (the moderation queue) asks for `order: 'asc'`.
 */
import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/core';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /**
   * Counts the filtered set; called only when the query selects `totalCount`. Over a large log the count
   * costs more than the page itself (README "Performance"), and a script polling for news skips it.
   */
  count: () => Promise<number>;
}

/** Declares the `<Name>Edge` and `<Name>Connection` object types for a node type; call once per name. */
export function Connection<T extends object>(name: string, node: ClassType<T>): ClassType<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: Edge<T>[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    count!: () => Promise<number>;

    @Field(() => Int, { description: 'How many match the filter, over all pages.' })
    totalCount(): Promise<number> {
      return this.count();
    }
  }
  return ConnectionType;
}

const encodeCursor = (id: number): string => Buffer.from(`id:${id}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const m = /^id:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw badInput('after', { reason: 'invalidFormat', format: 'cursor' }, 'not a cursor from this list');
  return Number(m[1]);
}

export interface PageOrder {
  /** By id: 'desc' (default) is newest first, 'asc' oldest first. */
  order?: 'asc' | 'desc';
}

/** The page size and the id a page continues after, checked; shared by `paginate` and hand-written pages (logs/log-page.ts). */
export function pageWindow({ first, after }: PageArgs): { size: number; afterId: number | null } {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badInput('first', { reason: 'outOfRange', min: 1, max: MAX_PAGE_SIZE }, `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return { size, afterId: after ? decodeCursor(after) : null };
}

/** The connection of rows read one beyond the page size: that extra row only says a next page exists. */
export function toConnection<T extends { id: number }>(rows: T[], size: number, count: () => Promise<number>): ConnectionShape<T> {
  const edges = rows.slice(0, size).map((node) => ({ cursor: encodeCursor(node.id), node }));
  return { edges, count, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
}

/**
 * Whether the query asks for `totalCount` of the connection this resolver returns (directly, or through
 * fragments), so that a hand-written page can count in the statement that reads it. A field under
 * `@skip`/`@include` counts as asked: the count is then read and not shown, never missing.
 */
export function selectsTotalCount(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): boolean {
  const seen = new Set<string>();
  const inSet = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === 'totalCount';
      if (s.kind === Kind.INLINE_FRAGMENT) return inSet(s.selectionSet);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return inSet(info.fragments[s.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => inSet(node.selectionSet));
}

export async function paginate<T extends { id: number }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  page: PageArgs,
  { order = 'desc' }: PageOrder = {},
): Promise<ConnectionShape<T>> {
  const { size, afterId } = pageWindow(page);
  const beyond = order === 'desc' ? '$lt' : '$gt';
  const scoped = afterId !== null ? ({ $and: [where, { id: { [beyond]: afterId } }] } as FilterQuery<T>) : where;
  const rows = await em.find(entity, scoped, { orderBy: { id: order } as never, limit: size + 1 });
  // A fork: the count may run beside other fields' queries of the same request.
  return toConnection(rows, size, () => em.fork().count(entity, where));
}
