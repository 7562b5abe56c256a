/**
 * Posting a notification exactly as VK does (docs/protocol.md §1–§2): post the signed fields form-encoded,
 * wait at most VK's 10 s, and judge the answer. Shared by the CLI simulator (which signs with the key it
 * is given) and the server's checkNotificationUrl (which signs through `signOnRequest`, signable.ts):
 * the caller signs, so each path chooses its own rule for what it may sign.
 */
import type { Outbound } from '../net/outbound.js';
import { judgeAnswer, type Verdict } from './verdict.js';

/** VK's deadline for an answer (docs/protocol.md §1). */
export const VK_TIMEOUT_MS = 10_000;
/** VK's answers are a few hundred bytes; reading stops here so a runaway peer cannot fill our memory. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

export interface Exchange {
  request: Record<string, string>;
  status: number;
  /** The answer body (at most MAX_ANSWER_BYTES of it). */
  text: string;
  ms: number;
  verdict: Verdict;
  /** Where a redirect pointed. Redirects are reported, not followed: a followed POST turns into a GET. */
  location?: string | undefined;
}

export interface SendOptions {
  timeoutMs?: number;
}

/**
 * Posts the signed `request` (its `sig` included) to `url` through `outbound` (net/outbound.ts: the
 * server reaches public addresses only; the CLI, run by the operator, anywhere). Throws OutboundError
 * when refused or when no HTTP answer came within the deadline.
 */
export async function send(outbound: Outbound, url: string, request: Record<string, string>, options: SendOptions = {}): Promise<Exchange> {
  const started = performance.now();
  const res = await outbound.post(url, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(request).toString(),
    timeoutMs: options.timeoutMs ?? VK_TIMEOUT_MS,
    maxBytes: MAX_ANSWER_BYTES,
  });
  return {
    request,
    status: res.status,
    text: res.text,
    ms: performance.now() - started,
    verdict: judgeAnswer(request, res.text),
    location: res.location,
  };
}
