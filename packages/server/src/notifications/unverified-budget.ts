/**
 * How many log rows of unverified requests each app may collect per minute, per instance. Past the
 * budget a request is still answered exactly as before; only its row is not written (the route counts
 * it in `vkp_notifications_unlogged_total` instead), so a flood of unsigned requests cannot fill the
 * disk or bury the rows an operator needs (README "The notification endpoint").
 *
 * Memory stays bounded whatever is sent: one counter per app of ours that got such a request this
 * minute, and one shared counter for every request that named no app of ours (else each made-up
 * `app_id` would get a budget of its own). Each counter's minute starts with its first request, so a
 * flood shorter than a minute gets exactly the budget, wherever it starts.
 */

export const UNVERIFIED_WINDOW_MS = 60_000;

/** The bucket of requests whose `app_id` named no app of ours (or could not be read). */
export const UNKNOWN_APP = -1;

export interface Take {
  /** Write the row. */
  logged: boolean;
  /** This is the first request over the budget in this window (worth one line in the server log). */
  firstOver: boolean;
}

export interface UnverifiedLogBudget {
  /** Counts one unverified request of `appId` (our id; null: no app of ours) against this minute's budget. */
  take(appId: number | null): Take;
}

/** `perMinute` 0: no budget, every unverified request is logged. */
export function unverifiedLogBudget(perMinute: number, now: () => number = Date.now): UnverifiedLogBudget {
  const windows = new Map<number, { start: number; count: number }>();
  let swept = now();
  return {
    take(appId) {
      if (perMinute <= 0) return { logged: true, firstOver: false };
      const at = now();
      const ended = (w: { start: number }) => at - w.start >= UNVERIFIED_WINDOW_MS || at < w.start;
      // Once a minute, forget the apps whose window has ended: only apps hit this minute take memory.
      if (at - swept >= UNVERIFIED_WINDOW_MS || at < swept) {
        for (const [bucket, w] of windows) if (ended(w)) windows.delete(bucket);
        swept = at;
      }
      const bucket = appId ?? UNKNOWN_APP;
      let w = windows.get(bucket);
      if (!w || ended(w)) windows.set(bucket, (w = { start: at, count: 0 }));
      w.count += 1;
      return { logged: w.count <= perMinute, firstOver: w.count === perMinute + 1 };
    },
  };
}

/**
 * Why a request went unlogged, as a metric label (a fixed set, never anything the request chose):
 * `bad_signature` — it named an app of ours but its sig was missing or wrong; `no_app` — it reached no
 * app of ours (unknown or unreadable app_id, unreadable body).
 */
export type UnloggedReason = 'bad_signature' | 'no_app';

export const unloggedReason = (appId: number | null): UnloggedReason => (appId === null ? 'no_app' : 'bad_signature');
