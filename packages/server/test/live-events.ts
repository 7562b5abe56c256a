/**
 * Hearing a live-log event without guessing when the subscription is listening. graphql-ws tells the
 * client nothing when the server has registered a subscription, and an event published before that is
 * never delivered; so a test that notified once, some milliseconds after subscribing, hung or passed by
 * luck. Instead the test keeps causing the event, one notification after the answer to the last, until
 * the subscription settles: the first event heard is the signal that it was listening.
 */

/**
 * Calls `cause` (awaited) again and again until `outcome` settles; returns `outcome`. Between causes it
 * waits for `outcome` for at most `gapMs`, only so it does not flood the server.
 */
export async function causeUntilHeard<T>(outcome: Promise<T>, cause: () => Promise<unknown>, { gapMs = 50, ms = 8_000 } = {}): Promise<T> {
  let settled = false;
  const done = outcome.then(
    () => (settled = true),
    () => (settled = true),
  );
  const deadline = Date.now() + ms;
  while (!settled) {
    if (Date.now() > deadline) throw new Error(`no live event within ${ms} ms`);
    await cause();
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, gapMs))]);
  }
  return outcome;
}
