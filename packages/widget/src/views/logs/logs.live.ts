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

/** Subscribes; the returned function unsubscribes and closes the socket. */
export async function subscribeLive(session: Session, sink: LiveSink): Promise<() => void> {
  let stop: () => void = () => undefined;
  let retried = false;
  const start = async (): Promise<void> => {
    stop = subscribe<{ notificationLogged: LogRow }>({
      endpoint: session.client.endpoint,
      token: await session.client.token(),
      query: LIVE_SUBSCRIPTION,
      variables: { vkAppId: session.vkAppId },
      onConnected: () => sink.connected(),
      onData: (data) => sink.row(data.notificationLogged),
      onError: (code, message) => {
        if (code === 'UNAUTHENTICATED' && !retried) {
          retried = true;
          void session.client
            .request('{ me { kind } }')
            .catch(() => undefined)
            .then(start);
          return;
        }
        sink.failed(new GraphQLClientError(code === 'CLOSED' ? 'NETWORK_ERROR' : code, message));
      },
    });
  };
  await start();
  return () => stop();
}
