/**
 * Checks a fulfilment webhook as a game backend would: with the `standardwebhooks` npm package
 * (https://www.standardwebhooks.com), an implementation of the spec that is not ours. A mistake in our
 * signer that a verifier of our own shared would pass its check; it fails this one.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';

/** True when `body` with these headers carries a valid signature by `secret` (`whsec_…`), within the spec's 5-minute tolerance. */
export function validStandardWebhook(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const named = (name: string): string => String(headers[name] ?? '');
  try {
    new Webhook(secret).verify(
      body,
      {
        'webhook-id': named('webhook-id'),
        'webhook-timestamp': named('webhook-timestamp'),
        'webhook-signature': named('webhook-signature'),
      },
      { jsonParse: false },
    );
    return true;
  } catch {
    return false;
  }
}
