/**
 * The devtools read log rows' `request`; a row of an unverified request may be a cut copy
 * (notifications/unverified.ts). Run again or signed again it would be judged as a different request,
 * so `replayNotification` and `explainSignature` refuse it and say why.
 */
import { ApiError } from '../graphql/errors.js';
import { isTruncatedRequest } from '../notifications/unverified.js';

/** The JSON object explainSignature also accepts (a log row's `request`), or undefined for a form body. */
function jsonObject(rawBody: string): unknown {
  const trimmed = rawBody.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/** Throws BAD_USER_INPUT on `field` when `request` (a log row's, or a pasted body) was stored truncated. */
export function refuseTruncated(request: Record<string, unknown> | string, field: 'logId' | 'rawBody'): void {
  if (!isTruncatedRequest(typeof request === 'string' ? jsonObject(request) : request)) return;
  const what = field === 'logId' ? 'replayed' : 'explained';
  throw new ApiError(
    'BAD_USER_INPUT',
    `${field}: this request was stored truncated (its signature did not verify, so the log kept only a bounded part of it); it cannot be ${what} as if whole: use the body as it was sent`,
    { field },
  );
}
