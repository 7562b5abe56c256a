/**
 * Posting a notification exactly as VK does (PROTOCOL.md §1–§2): post the signed fields form-encoded,
 * wait at most VK's 10 s, and judge the answer. Shared by the CLI simulator (which signs with the key it
 * is given) and the server's checkNotificationUrl (which signs through `signOnRequest`, signable.ts):
 * the caller signs, so each path chooses its own rule for what it may sign.
 */
import { judgeAnswer, type Verdict } from './verdict.js';

/** VK's deadline for an answer (PROTOCOL.md §1). */
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

export async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= max) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

/** Posts the signed `request` (its `sig` included) to `url`; throws on network failure or timeout. */
export async function send(url: string, request: Record<string, string>, options: SendOptions = {}): Promise<Exchange> {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(request).toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(options.timeoutMs ?? VK_TIMEOUT_MS),
  });
  const text = await readCapped(res, MAX_ANSWER_BYTES);
  return {
    request,
    status: res.status,
    text,
    ms: performance.now() - started,
    verdict: judgeAnswer(request, text),
    location: res.headers.get('location') ?? undefined,
  };
}
