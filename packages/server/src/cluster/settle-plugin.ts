/**
 * A mutation's answer waits until this instance's caches have heard of what it changed (Bus.settle), so
 * the next request to the same instance — the widget's "check the URL" after a price change, a script
 * that rotates a key and then tests it — reads its own write. Other instances hear of it within a
 * second; NOTIFY has no acknowledgement, so nothing waits for them (README "Running several instances").
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { OperationTypeNode } from 'graphql';
import type { Bus } from './bus.js';

export function settleAfterMutations<T extends BaseContext>(bus: Bus): ApolloServerPlugin<T> {
  return {
    requestDidStart() {
      return Promise.resolve({
        async willSendResponse({ operation }) {
          if (operation?.operation === OperationTypeNode.MUTATION) await bus.settle();
        },
      });
    },
  };
}
