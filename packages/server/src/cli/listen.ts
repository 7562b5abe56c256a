/**
 * `vk-payments listen --app <id> --forward-to <url>`: the app's events for the game backend, heard over
 * the `fulfilmentEvents` subscription (fulfilment/listen.ts), each POSTed to a backend on the developer's
 * own machine exactly as the server's webhook delivery would be (the same body, `webhook-id`, Standard
 * Webhooks signature), with the backend's answer printed. Hearing an event never counts as the
 * endpoint's delivery: the server's own delivery, if the app has an endpoint, goes on as usual.
 *
 * Which secret signs (the endpoint's never leaves the server):
 * - `--secret whsec_…`: this one, here;
 * - else, when the app has an endpoint: the server signs each event with the endpoint's secret, for a
 *   token that may rotate that secret anyway (CREATOR, ADMIN, root); any other token must pass --secret;
 * - else a fresh `whsec_` made here, printed at the start for the backend to verify with.
 */
import { newSigningSecret, webhookHeaders } from '../fulfilment/signing.js';
import { printable, printableJson } from './printable.js';
import type { Print } from './simulate.js';
import { EXIT, remoteOf, request, RemoteError, subscribeForever, type RemoteOptions } from './remote.js';
import type { Running } from './logs-tail.js';

export interface ListenOptions extends RemoteOptions {
  app: number;
  forwardTo: string;
  secret?: string | undefined;
  json?: boolean | undefined;
}

interface HeardEvent {
  eventId: string;
  eventType: string;
  transactionId: number | null;
  body: string;
  headers: { webhookId: string; webhookTimestamp: string; webhookSignature: string } | null;
}

const SUBSCRIPTION = `subscription Listen($vkAppId: Int!, $sign: Boolean) {
  fulfilmentEvents(vkAppId: $vkAppId, signWithEndpointSecret: $sign) {
    eventId eventType transactionId body headers { webhookId webhookTimestamp webhookSignature }
  }
}`;

const SETUP = `query Setup($vkAppId: Int!) {
  me { kind role }
  fulfilmentEndpoint(vkAppId: $vkAppId) { url enabled secretHint }
}`;

/** How long the local backend has to answer: it should answer at once and grant asynchronously, as in production. */
const FORWARD_TIMEOUT_MS = 10_000;
const SIGNERS = new Set(['CREATOR', 'ADMIN']);
/** How much of the backend's answer is read: the excerpt printed is shorter, and a huge answer is not read whole. */
export const ANSWER_READ_BYTES = 1024;
const ANSWER_SHOWN = 200;
/** Events heard but not yet forwarded (a slow backend): beyond this the oldest are dropped, with a warning. */
export const QUEUE_MAX = 1_000;

function forwardUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RemoteError(`--forward-to: not a URL: ${raw}`, EXIT.USAGE);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RemoteError('--forward-to: must be http(s)', EXIT.USAGE);
  return url.toString();
}

function checkSecret(secret: string): string {
  const key = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : null;
  if (!key || !/^[A-Za-z0-9+/]+={0,2}$/.test(key))
    throw new RemoteError('--secret: a Standard Webhooks secret, whsec_ + base64', EXIT.USAGE);
  return secret;
}

interface Forwarded {
  status: number | null;
  ms: number;
  error: string | null;
  answer: string;
}

/** The start of the body, at most `max` bytes; the rest is not read (the connection is dropped). */
async function readAtMost(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max));
}

async function forward(url: string, event: HeardEvent, headers: Record<string, string>): Promise<Forwarded> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'vk-payments-listen', ...headers },
      body: event.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
    const answer = (await readAtMost(res, ANSWER_READ_BYTES)).slice(0, ANSWER_SHOWN);
    return { status: res.status, ms: performance.now() - started, error: null, answer };
  } catch (err) {
    const cause = (err as { cause?: { code?: unknown } }).cause;
    const error =
      err instanceof Error && err.name === 'TimeoutError'
        ? `no answer in ${FORWARD_TIMEOUT_MS / 1000} s`
        : typeof cause?.code === 'string'
          ? cause.code
          : String(err);
    return { status: null, ms: performance.now() - started, error, answer: '' };
  }
}

export async function listen(o: ListenOptions, rawPrint: Print, rawStatus: Print): Promise<Running> {
  // Events and the backend's answers are text from elsewhere: nothing printed is raw (printable.ts).
  const print: Print = (line) => rawPrint(o.json ? line : printable(line));
  const status: Print = (line) => rawStatus(printable(line));
  const remote = remoteOf(o);
  const target = forwardUrl(o.forwardTo);
  const given = o.secret === undefined ? null : checkSecret(o.secret);
  const setup = await request<{
    me: { kind: string; role: string | null };
    fulfilmentEndpoint: { url: string; enabled: boolean; secretHint: string } | null;
  }>(remote, SETUP, { vkAppId: o.app });
  const endpoint = setup.fulfilmentEndpoint;
  let secret: string | null = given;
  if (endpoint && !given) {
    if (setup.me.kind !== 'root' && !SIGNERS.has(setup.me.role ?? '')) {
      throw new RemoteError(
        `app ${o.app} has a game-backend endpoint (${endpoint.url}); the server signs with its secret only for a CREATOR or ADMIN token. ` +
          "Pass --secret with the endpoint's secret (whsec_…), or use such a token.",
        EXIT.USAGE,
      );
    }
    status(`signing as the endpoint does: the server signs each event with its secret (${endpoint.secretHint})`);
  } else if (endpoint && given && !endpoint.secretHint.endsWith(given.slice(-4))) {
    status(`note: --secret is not the endpoint's secret (${endpoint.secretHint}); your backend must verify with the one you passed`);
  }
  if (!endpoint && !given) {
    secret = newSigningSecret();
    status(`app ${o.app} has no game-backend endpoint: signing with a new secret, shown once. Verify with it in your backend:`);
    print(o.json ? printableJson({ signingSecret: secret }) : secret);
  }
  status(
    `forwarding the events of app ${o.app} to ${target}` +
      (endpoint ? ` (the endpoint ${endpoint.url} gets its own deliveries as usual)` : ' (without an endpoint the server queues none)') +
      '; Ctrl-C to stop',
  );

  // One at a time, in the order heard, as a backend would get them from one sender. Bounded: a backend
  // slower than the events would otherwise grow the queue (and this process) without end.
  const waiting: HeardEvent[] = [];
  let sending = false;
  const handle = (event: HeardEvent): void => {
    waiting.push(event);
    if (waiting.length > QUEUE_MAX) {
      const dropped = waiting.shift()!;
      status(`warning: ${QUEUE_MAX} events wait for the backend; dropped the oldest, ${dropped.eventId} (not forwarded)`);
    }
    if (sending) return;
    sending = true;
    void (async () => {
      try {
        for (let next = waiting.shift(); next; next = waiting.shift()) await send(next).catch((err: unknown) => status(String(err)));
      } finally {
        sending = false;
      }
    })();
  };
  const send = async (event: HeardEvent): Promise<void> => {
    const headers =
      secret !== null
        ? webhookHeaders(secret, event.eventId, event.body, new Date())
        : event.headers && {
            'webhook-id': event.headers.webhookId,
            'webhook-timestamp': event.headers.webhookTimestamp,
            'webhook-signature': event.headers.webhookSignature,
          };
    if (!headers) {
      status(`${event.eventId}: the server sent no signature; not forwarded`);
      return;
    }
    const result = await forward(target, event, { ...headers });
    if (o.json) {
      print(printableJson({ eventId: event.eventId, eventType: event.eventType, body: event.body, ...result }));
      return;
    }
    const outcome =
      result.status === null ? `✗ ${result.error}` : `${result.status >= 200 && result.status < 300 ? '✓' : '✗'} HTTP ${result.status}`;
    print(`${new Date().toISOString()}  ${event.eventType}  ${event.eventId}  → ${outcome} in ${result.ms.toFixed(1)} ms`);
    print(`    ${event.body}`);
    if (result.answer) print(`    ← ${result.answer}`);
  };
  return subscribeForever<{ fulfilmentEvents: HeardEvent }>({
    remote,
    query: SUBSCRIPTION,
    variables: { vkAppId: o.app, sign: secret === null },
    onData: (data) => handle(data.fulfilmentEvents),
    status,
  });
}
