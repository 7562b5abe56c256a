/**
 * How many log rows of unverified requests are written per minute, per instance: at most `perApp` for
 * each app, and at most `total` for all apps together, so a flood spread over many apps cannot multiply
 * the per-app cap. Past a budget a request is still answered exactly as before; only its row is not
 * written (the route counts it in `vkp_notifications_unlogged_total` instead), so a flood of unsigned
 * requests cannot fill the disk or bury the rows an operator needs (README "The notification endpoint").
 *
 * Memory stays bounded whatever is sent: one counter per app of ours that got such a request this
 * minute, one shared counter for every request that named no app of ours (else each made-up `app_id`
 * would get a budget of its own), and one for the instance. Each counter's minute starts with its first
 * request, so a flood shorter than a minute gets exactly the budget, wherever it starts.
 */

export const UNVERIFIED_WINDOW_MS = 60_000;

/** The bucket of requests whose `app_id` named no app of ours (or could not be read). */
export const UNKNOWN_APP = -1;

export interface Take {
  /** Write the row. */
  logged: boolean;
  /** This is the first request over that budget in its window (worth one line in the server log). */
  firstOver: boolean;
  /** Which budget refused the row: the app's, or the instance's (all apps together). */
  limit?: 'app' | 'instance';
}

export interface UnverifiedLogBudget {
  /** Counts one unverified request of `appId` (our id; null: no app of ours) against this minute's budgets. */
  take(appId: number | null): Take;
}

export interface UnverifiedLogLimits {
  /** Rows per app (requests naming no app of ours share one) and minute; 0: no per-app cap. */
  perApp: number;
  /** Rows of all apps together per minute; 0: no instance-wide cap. */
  total: number;
}

interface Window {
  start: number;
  count: number;
}

export function unverifiedLogBudget({ perApp, total }: UnverifiedLogLimits, now: () => number = Date.now): UnverifiedLogBudget {
  const windows = new Map<number, Window>();
  let instance: Window = { start: now(), count: 0 };
  let swept = now();
  return {
    take(appId) {
      const at = now();
      const ended = (w: Window) => at - w.start >= UNVERIFIED_WINDOW_MS || at < w.start;
      if (perApp > 0) {
        // Once a minute, forget the apps whose window has ended: only apps hit this minute take memory.
        if (at - swept >= UNVERIFIED_WINDOW_MS || at < swept) {
          for (const [bucket, w] of windows) if (ended(w)) windows.delete(bucket);
          swept = at;
        }
        const bucket = appId ?? UNKNOWN_APP;
        let w = windows.get(bucket);
        if (!w || ended(w)) windows.set(bucket, (w = { start: at, count: 0 }));
        w.count += 1;
        if (w.count > perApp) return { logged: false, firstOver: w.count === perApp + 1, limit: 'app' };
      }
      if (total > 0) {
        // Only rows an app's budget let through count here: one app's flood spends at most its own share.
        if (instance.count === 0 || ended(instance)) instance = { start: at, count: 0 };
        instance.count += 1;
        if (instance.count > total) return { logged: false, firstOver: instance.count === total + 1, limit: 'instance' };
      }
      return { logged: true, firstOver: false };
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
