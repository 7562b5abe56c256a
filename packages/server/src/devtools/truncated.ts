/**
 * The devtools read log rows' `request`; a row of an unverified request may be a cut copy
 * (notifications/unverified.ts). Run again or signed again it would be judged as a different request,
 * so `replayNotification` and `explainSignature` refuse it and say why.
 */
import { badInput } from '../graphql/errors.js';
import { NUL_NOTE } from '../notifications/storable-text.js';
import { isTruncatedRequest, TRUNCATED_KEY } from '../notifications/unverified.js';

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
  const object = typeof request === 'string' ? jsonObject(request) : request;
  if (!isTruncatedRequest(object)) return;
  const what = field === 'logId' ? 'replayed' : 'explained';
  // The mark says what was done: cut (an unverified request), NULs replaced (notifications/storable-text.ts), or both.
  const mark = (object as Record<string, unknown>)[TRUNCATED_KEY] as { note?: unknown };
  const note = typeof mark.note === 'string' ? mark.note : '';
  const why = note.includes(NUL_NOTE)
    ? `altered (${NUL_NOTE})`
    : 'truncated (its signature did not verify, so the log kept only a bounded part of it)';
  throw badInput(
    field,
    { reason: 'incomplete' },
    `this request was stored ${why}; it cannot be ${what} as if whole: use the body as it was sent`,
  );
}
