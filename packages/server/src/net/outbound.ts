/**
 * Every connection the server makes to a URL it was given (the notification URL check, game-backend
 * deliveries) goes through here, so the no-SSRF rule of issue #10 §3 holds in one place:
 *
 * - the host is resolved here, every address it resolves to is checked (addresses.ts), and the socket
 *   connects to an address that was checked: the custom `lookup` hands node:http exactly what passed,
 *   so a DNS answer that changes between a check and the connect (rebinding) cannot switch it;
 * - TLS keeps the host name for SNI and the certificate check (only the lookup is ours);
 * - redirects are reported, never followed; the answer is read up to a limit and the whole exchange
 *   up to a deadline;
 * - every failure without an HTTP answer (refused, reset, closed, timed out, not HTTP, TLS) reads the
 *   same, so the error cannot tell an open port from a closed one.
 */
import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import {
  allows,
  bareHost,
  classifyAddress,
  isLocalhostName,
  isOwnAddress,
  type AddressCategory,
  type AllowList,
  type ListenAddress,
} from './addresses.js';

export type ResolvedAddress = { address: string; family: number };
/** Resolves a host name to every address it has (node:dns `lookup` with `all`, by default). */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/** The one message for any connection that gave no HTTP answer. */
export const COULD_NOT_CONNECT = 'could not connect to the URL';
export const COULD_NOT_RESOLVE = 'could not resolve the host name of the URL';
export const ALLOW_SETTING = 'VKP_ALLOW_PRIVATE_URLS';

export type OutboundFailure = 'refused' | 'unreachable' | 'unresolved';

export class OutboundError extends Error {
  override name = 'OutboundError';
  constructor(
    readonly kind: OutboundFailure,
    message: string,
  ) {
    super(message);
  }
}

const article = (category: AddressCategory): string => (/^[aeiou]/.test(category) ? 'an' : 'a');

/** Why a private address is refused: by its category only (never the resolved address of a name). */
export function refusalMessage(category: AddressCategory, literal: string | null): string {
  const what =
    literal === null
      ? `the host name resolves to ${article(category)} ${category} address`
      : `${literal} is ${article(category)} ${category} address`;
  return `refused: ${what}; the server connects only to public addresses unless ${ALLOW_SETTING} allows it`;
}

export interface OutboundRequest {
  headers: Record<string, string>;
  body: string;
  /** The whole exchange, from resolving the host to the last byte read. */
  timeoutMs: number;
  /** Reading stops here (the rest is never read). */
  maxBytes: number;
}

export interface OutboundResponse {
  status: number;
  /** Where a redirect pointed: reported, never followed. */
  location: string | undefined;
  /** The first `maxBytes` of the answer, as UTF-8. */
  text: string;
}

export interface Outbound {
  /** POSTs to `url`; throws OutboundError when refused or when no HTTP answer came. */
  post(url: string, request: OutboundRequest): Promise<OutboundResponse>;
  /**
   * Why a URL about to be saved names a host the server would refuse as written (a literal private
   * address in any spelling the URL parser accepts, or `localhost`), or null. Names are not resolved
   * here: that is checked at connect time, when it counts.
   */
  refusalOf(url: string): string | null;
  /** This server's own listen addresses, set once it listens. */
  setOwnAddresses(addresses: readonly ListenAddress[]): void;
}

export interface OutboundOptions {
  /** VKP_ALLOW_PRIVATE_URLS. */
  allow: AllowList;
  /** Injected in tests; node:dns by default. */
  resolve?: Resolve;
}

interface Target {
  url: URL;
  host: string;
  port: number;
  secure: boolean;
}

function targetOf(raw: string): Target {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundError('refused', 'refused: not an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundError('refused', 'refused: not an absolute http(s) URL');
  const secure = url.protocol === 'https:';
  return { url, host: bareHost(url.hostname), port: Number(url.port) || (secure ? 443 : 80), secure };
}

export function createOutbound({ allow, resolve = systemResolve }: OutboundOptions): Outbound {
  let own: readonly ListenAddress[] = [];

  /** Null when the server may connect to `ip` for `target`, else why not. */
  function refusal(target: Target, ip: string, literal: boolean): string | null {
    const category = classifyAddress(ip);
    if (category === 'public' || allows(allow, target.host, ip) || isOwnAddress(own, ip, target.port)) return null;
    return refusalMessage(category, literal ? target.host : null);
  }

  /** node:http's lookup: resolves once, checks every address, and gives the socket only those. */
  function checkedLookup(target: Target): LookupFunction {
    return (hostname, options, callback) => {
      void resolve(hostname)
        .then(
          (addresses) => {
            if (!addresses.length) return callback(new OutboundError('unresolved', COULD_NOT_RESOLVE), '', 0);
            for (const a of addresses) {
              const why = refusal(target, a.address, false);
              if (why) return callback(new OutboundError('refused', why), '', 0);
            }
            const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
            if (!wanted.length) return callback(new OutboundError('unreachable', COULD_NOT_CONNECT), '', 0);
            if (options.all) return (callback as unknown as (err: null, all: ResolvedAddress[]) => void)(null, wanted);
            callback(null, wanted[0]!.address, wanted[0]!.family);
          },
          () => callback(new OutboundError('unresolved', COULD_NOT_RESOLVE), '', 0),
        )
        // Nothing of a lookup may reach the process; the request's deadline still ends it.
        .catch(() => undefined);
    };
  }

  function post(raw: string, request: OutboundRequest): Promise<OutboundResponse> {
    let target: Target;
    try {
      target = targetOf(raw);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new OutboundError('refused', 'not a URL this server may call'));
    }
    // node:net connects to an IP literal without calling `lookup`: check it here.
    if (isIP(target.host)) {
      const why = refusal(target, target.host, true);
      if (why) return Promise.reject(new OutboundError('refused', why));
    }
    return new Promise<OutboundResponse>((settle, fail) => {
      let done = false;
      const finish = (outcome: OutboundResponse | OutboundError): void => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        if (outcome instanceof OutboundError) fail(outcome);
        else settle(outcome);
      };
      const req = (target.secure ? https : http).request({
        method: 'POST',
        hostname: target.host,
        port: target.port,
        path: `${target.url.pathname}${target.url.search}`,
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        // A fresh socket each time: a pooled one could outlive the check it was made under.
        agent: false,
        lookup: checkedLookup(target),
      });
      const deadline = setTimeout(() => req.destroy(new OutboundError('unreachable', COULD_NOT_CONNECT)), request.timeoutMs);
      req.on('error', (err) =>
        finish(err instanceof OutboundError && err.kind !== 'unreachable' ? err : new OutboundError('unreachable', COULD_NOT_CONNECT)),
      );
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const answer = (): void =>
          finish({
            status: res.statusCode ?? 0,
            location: typeof res.headers.location === 'string' ? res.headers.location : undefined,
            text: Buffer.concat(chunks).subarray(0, request.maxBytes).toString('utf8'),
          });
        res.on('data', (chunk: Buffer) => {
          if (done) return;
          chunks.push(chunk);
          size += chunk.byteLength;
          if (size >= request.maxBytes) {
            answer();
            res.destroy(); // the rest is never read
          }
        });
        res.on('end', answer);
        res.on('error', () => finish(new OutboundError('unreachable', COULD_NOT_CONNECT)));
        res.on('close', () => {
          if (!res.complete) finish(new OutboundError('unreachable', COULD_NOT_CONNECT));
        });
      });
      req.end(request.body);
    });
  }

  function refusalOf(raw: string): string | null {
    let target: Target;
    try {
      target = targetOf(raw);
    } catch (err) {
      return (err as Error).message;
    }
    if (isIP(target.host)) return refusal(target, target.host, true);
    // `localhost` is this machine's loopback, whatever DNS says: allowed only where loopback would be.
    if (isLocalhostName(target.host) && !['127.0.0.1', '::1'].some((ip) => allows(allow, target.host, ip))) {
      return `refused: ${target.host} is this machine; the server connects only to public addresses unless ${ALLOW_SETTING} allows it`;
    }
    return null;
  }

  return {
    post,
    refusalOf,
    setOwnAddresses(addresses) {
      own = addresses;
    },
  };
}
