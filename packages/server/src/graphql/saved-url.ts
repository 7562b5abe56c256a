/**
 * The save-time half of the no-SSRF rule (issue #10 §3): a URL the server will connect to later is
 * refused when it is saved only if it names, as written, an address the server would never reach (a
 * literal private address in any spelling the URL parser accepts, `localhost`). A host name is not
 * resolved here: it may not resolve yet, and what it resolves to is checked when the server connects.
 */
import { badInput } from './errors.js';
import type { Outbound } from '../net/outbound.js';

/** Throws BAD_USER_INPUT on `field` when `url` names a private address the allowlist does not cover. */
export function assertConnectableUrl(outbound: Outbound, url: string, field: string): void {
  const why = outbound.refusalOf(url);
  if (why) throw badInput(field, { reason: 'privateAddress' }, why);
}
