/** Scalars of ARCHITECTURE.md §4: times as ISO strings (`DateTime`), logged requests/answers as `JSON`. */
export { DateTimeResolver as DateTimeScalar, JSONResolver as JSONScalar } from 'graphql-scalars';
