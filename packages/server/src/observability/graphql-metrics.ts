/** Counts GraphQL operations into the server's metrics (metrics.ts), labelled from closed lists (labels.ts). */
import type { ApolloServerPlugin } from '@apollo/server';
import { errorCodeLabel, operationLabel } from './labels.js';
import type { Metrics } from './metrics.js';

export function graphqlMetricsPlugin(metrics: Pick<Metrics, 'countOperation'>): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ schema, operation, errors }) {
          metrics.countOperation({
            operation: operationLabel(schema, operation),
            type: operation?.operation ?? 'unknown',
            result: errors?.length ? errorCodeLabel(errors[0]?.extensions?.code) : 'ok',
          });
          return Promise.resolve();
        },
      });
    },
  };
}
