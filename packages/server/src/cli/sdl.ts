/**
 * The SDL of the API as the server builds it, sorted so the committed `schema.graphql` diffs cleanly.
 * Built without a database: the schema is the resolvers' decorators, nothing more.
 */
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { createPubSub } from '../logs/live.js';
import { buildGraphqlSchema } from '../graphql/schema.js';

export async function printSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildGraphqlSchema(createPubSub())))}\n`;
}
