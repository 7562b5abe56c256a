/**
 * The live tail of the log: `notificationLogged` over WebSocket on the GraphQL endpoint's path
 * (client/live.ts), reconnecting when the socket drops. A socket the server refuses (an expired
 * widget session) gets one GraphQL request first, which lets the client renew the token through
 * fetchToken, and one more try.
 */
import type { GraphQLClientError } from '../../client/graphql-client.js';
import { liveClient, liveError } from '../../client/live.js';
import type { Session } from '../../client/session.js';
import { LIVE_SUBSCRIPTION, type LogRow } from './logs.query.js';

export interface LiveSink {
  /** Connecting, at first or again after the socket dropped (rows sent meanwhile are missed). */
  connecting(): void;
  connected(): void;
  row(row: LogRow): void;
  /** The subscription ended with an error; it is not retried further. */
  failed(err: GraphQLClientError): void;
}

/** Subscribes; the returned function unsubscribes and closes the socket, and nothing reaches `sink` after it. */
export function subscribeLive({ client, vkAppId }: Session, sink: LiveSink): () => void {
  let ended = false;
  let renewed = false;
  const guard =
    <A extends unknown[]>(f: (...args: A) => void) =>
    (...args: A): void => {
      if (!ended) f(...args);
    };
  const socket = liveClient(client, { connecting: guard(() => sink.connecting()), connected: guard(() => sink.connected()) });
  let unsubscribe = (): void => undefined;
  const start = (): void => {
    if (ended) return;
    unsubscribe = socket.subscribe<{ notificationLogged: LogRow }>(
      { query: LIVE_SUBSCRIPTION, variables: { vkAppId } },
      {
        next: guard(({ data, errors }) => {
          if (errors?.length) sink.failed(liveError(errors));
          else if (data) sink.row(data.notificationLogged);
        }),
        error: guard((err: unknown) => {
          const failure = liveError(err);
          if (failure.code !== 'UNAUTHENTICATED' || renewed) return sink.failed(failure);
          renewed = true;
          void client
            .request('{me{kind}}')
            .catch(() => undefined)
            .then(start);
        }),
        complete: () => undefined,
      },
    );
  };
  start();
  return () => {
    ended = true;
    unsubscribe();
    void socket.dispose();
  };
}
