/**
 * The probe behind checkNotificationUrl: post one signed notification to a URL exactly as VK would
 * (notifications/send.ts) and say, in an operator's words, whether VK would accept the answer.
 * Never throws for anything the peer does; never returns the secret (only the signed fields). The fields
 * are signed through `signOnRequest` (signable.ts): the result shows them to whoever asked, with `sig`.
 */
import { COULD_NOT_CONNECT, OutboundError, type Outbound } from '../net/outbound.js';
import { send, VK_TIMEOUT_MS } from '../notifications/send.js';
import { signOnRequest } from '../notifications/signable.js';

export type UrlCheckVerdict = 'SUCCESS' | 'VK_ERROR' | 'INVALID' | 'UNREACHABLE';

export interface UrlCheck {
  url: string;
  ok: boolean;
  httpStatus: number | null;
  durationMs: number;
  verdict: UrlCheckVerdict;
  problems: string[];
  errorCode: number | null;
  errorMessage: string | null;
  responseBody: string | null;
  /** The fields that were posted, `sig` included. */
  request: Record<string, string>;
  /** One sentence for the panel. */
  summary: string;
}

export interface ProbeOptions {
  /**
   * True when the item asked about is made up (the catalog has no active item): then the answer
   * "error 20, no such item" is exactly what a healthy handler says.
   */
  placeholderItem: boolean;
  timeoutMs?: number;
}

/** How much of the answer the result shows. */
export const RESPONSE_BODY_LIMIT = 2048;

const ITEM_NOT_FOUND = 20;

function truncate(text: string): string {
  return text.length > RESPONSE_BODY_LIMIT ? `${text.slice(0, RESPONSE_BODY_LIMIT)}…` : text;
}

/**
 * Why nothing came back, in words that never depend on what is listening there: refused, reset,
 * closed, timed out, not HTTP, a TLS failure — all read the same, so the check cannot be used to
 * find open ports (issue #10 §3). A refused private address says so, by its category only.
 */
function unreachableReason(err: unknown, timeoutMs: number): string {
  if (err instanceof OutboundError && err.kind !== 'unreachable') return err.message;
  return `${COULD_NOT_CONNECT} (no HTTP answer within ${timeoutMs / 1000} s): VK gives up after ${VK_TIMEOUT_MS / 1000} s and retries later (docs/protocol.md §1)`;
}

function statusProblem(status: number, location: string | undefined): string | null {
  if (status === 200) return null;
  if (location)
    return `HTTP ${status} redirect to ${location}: set that URL instead — VK wants the answer itself, with HTTP 200 (docs/protocol.md §1)`;
  return `HTTP ${status}: VK expects HTTP 200 for every answer, errors included (docs/protocol.md §1)`;
}

/** Throws UnsignableError, before anything is sent, when `fields` are not what this server may sign on request. */
export async function probeNotificationUrl(
  outbound: Outbound,
  url: string,
  fields: Record<string, string>,
  secret: string,
  options: ProbeOptions,
): Promise<UrlCheck> {
  const timeoutMs = options.timeoutMs ?? VK_TIMEOUT_MS;
  const request = signOnRequest(fields, secret);
  const started = performance.now();
  let x: Awaited<ReturnType<typeof send>>;
  try {
    x = await send(outbound, url, request, { timeoutMs });
  } catch (err) {
    const reason = unreachableReason(err, timeoutMs);
    return {
      url,
      ok: false,
      httpStatus: null,
      durationMs: performance.now() - started,
      verdict: 'UNREACHABLE',
      problems: [reason],
      errorCode: null,
      errorMessage: null,
      responseBody: null,
      request,
      summary:
        err instanceof OutboundError && err.kind === 'refused'
          ? `Not sent: ${reason}. VK cannot reach a private address either: the notification URL must be public.`
          : `VK could not deliver to this URL: ${reason}.`,
    };
  }

  const base = { url, httpStatus: x.status, durationMs: x.ms, responseBody: truncate(x.text), request: x.request };
  const statusIssue = statusProblem(x.status, x.location);
  const v = x.verdict;
  const problems = [...(statusIssue ? [statusIssue] : []), ...v.problems];

  if (v.kind === 'error') {
    const healthy = !statusIssue && options.placeholderItem && v.code === ITEM_NOT_FOUND;
    return {
      ...base,
      ok: healthy,
      verdict: statusIssue ? 'INVALID' : 'VK_ERROR',
      problems,
      errorCode: v.code,
      errorMessage: v.message,
      summary: healthy
        ? `The handler answered error ${ITEM_NOT_FOUND} for the made-up item "${fields.item}", as it should: it is reachable and speaks VK's protocol. Add an active catalog item to check a full item answer.`
        : `The handler answered VK error ${v.code}${v.critical ? ' (critical: VK would cancel the order)' : ' (not critical: VK would retry)'}: ${v.message}`,
    };
  }
  if (v.kind === 'success' && !statusIssue) {
    return {
      ...base,
      ok: true,
      verdict: 'SUCCESS',
      problems: [],
      errorCode: null,
      errorMessage: null,
      summary: `The handler answered "${fields.item}" correctly.`,
    };
  }
  return {
    ...base,
    ok: false,
    verdict: 'INVALID',
    problems,
    errorCode: null,
    errorMessage: null,
    summary: `VK would not accept this answer: ${problems.join('; ')}.`,
  };
}
