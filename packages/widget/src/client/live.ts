/**
 * One GraphQL subscription over the `graphql-transport-ws` protocol — the part of it the widget needs
 * (the live log), in a few dozen lines instead of a client library, to keep the embed small.
 * Protocol: connection_init → connection_ack → subscribe → next… / error / complete; ping → pong.
 */
export interface LiveOptions<T> {
  /** The GraphQL endpoint (http(s) or relative); the socket goes to the same path over ws(s). */
  endpoint: string;
  token: string | undefined;
  query: string;
  variables?: Record<string, unknown>;
  /** The server accepted the connection and the subscription was sent. */
  onConnected?(): void;
  onData(data: T): void;
  /** The subscription failed or the connection closed; `code` is the first error's extensions.code, or `CLOSED`. */
  onError(code: string, message: string): void;
}

/** Starts the subscription; the returned function ends it. */
export function subscribe<T>(o: LiveOptions<T>): () => void {
  const url = new URL(o.endpoint, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url, 'graphql-transport-ws');
  let ended = false;
  const send = (message: object): void => socket.send(JSON.stringify(message));

  socket.onopen = () => send({ type: 'connection_init', payload: o.token ? { authorization: `Bearer ${o.token}` } : {} });
  socket.onmessage = ({ data }) => {
    const message = JSON.parse(String(data)) as { type: string; payload?: unknown };
    switch (message.type) {
      case 'connection_ack':
        send({ id: '1', type: 'subscribe', payload: { query: o.query, variables: o.variables ?? {} } });
        o.onConnected?.();
        break;
      case 'ping':
        send({ type: 'pong' });
        break;
      case 'next': {
        const { data: payload, errors } = message.payload as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
        if (errors?.length) o.onError(errors[0]!.extensions?.code ?? 'INTERNAL_SERVER_ERROR', errors[0]!.message);
        else if (payload) o.onData(payload);
        break;
      }
      case 'error': {
        const [first] = message.payload as { message: string; extensions?: { code?: string } }[];
        o.onError(first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first?.message ?? 'subscription failed');
        break;
      }
    }
  };
  socket.onclose = (event) => {
    // 4403: the server refused the token, or it was revoked; 4401: the widget session expired (a new
    // token may be asked for); 4429: the token's rate limit is spent.
    const code = event.code === 4403 || event.code === 4401 ? 'UNAUTHENTICATED' : event.code === 4429 ? 'RATE_LIMITED' : 'CLOSED';
    if (!ended) o.onError(code, event.reason || `connection closed (${event.code})`);
  };
  return () => {
    ended = true;
    if (socket.readyState === WebSocket.OPEN) send({ id: '1', type: 'complete' });
    socket.close(1000);
  };
}
