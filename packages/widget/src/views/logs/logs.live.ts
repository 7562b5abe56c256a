/**
 * The live tail of the log: `notificationLogged` over the graphql-transport-ws protocol on the GraphQL
 * endpoint's path (client/live.ts). A socket the server refuses (an expired widget session) gets one
 * GraphQL request first, which lets the client renew the token through fetchToken, and one more try.
 */
import { GraphQLClientError } from '../../client/graphql-client.js';
import { subscribe } from '../../client/live.js';
import type { Session } from '../../client/session.js';
import { LIVE_SUBSCRIPTION, type LogRow } from './logs.query.js';

export interface LiveSink {
  connected(): void;
  row(row: LogRow): void;
  /** The subscription ended with an error; it is not retried further. */
  failed(err: GraphQLClientError): void;
}

/** Subscribes; the returned function unsubscribes and closes the socket, and nothing reaches `sink` after it. */
export function subscribeLive({ client, vkAppId }: Session, sink: LiveSink): () => void {
  let stop = (): void => undefined;
  let ended = false;
  let retried = false;
  const fail = (code: string, message: string): void => {
    if (!ended) sink.failed(new GraphQLClientError(code === 'CLOSED' ? 'NETWORK_ERROR' : code, message));
  };
  const start = (): Promise<void> =>
    client.token().then(
      (token) => {
        if (ended) return;
        stop = subscribe<{ notificationLogged: LogRow }>({
          endpoint: client.endpoint,
          token,
          query: LIVE_SUBSCRIPTION,
          variables: { vkAppId },
          onConnected: () => sink.connected(),
          onData: (data) => sink.row(data.notificationLogged),
          onError: (code, message) => {
            if (code !== 'UNAUTHENTICATED' || retried) return fail(code, message);
            retried = true;
            void client
              .request('{me{kind}}')
              .catch(() => undefined)
              .then(start);
          },
        });
      },
      // The host's fetchToken failed.
      (err: unknown) => fail('NETWORK_ERROR', err instanceof Error ? err.message : String(err)),
    );
  void start();
  return () => {
    ended = true;
    stop();
  };
}
