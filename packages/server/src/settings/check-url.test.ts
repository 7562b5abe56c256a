import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllowList } from '../net/addresses.js';
import { createOutbound } from '../net/outbound.js';
import { verifySig } from '../notifications/signature.js';
import { UnsignableError } from '../notifications/signable.js';
import { probeNotificationUrl, RESPONSE_BODY_LIMIT } from './check-url.js';

const SECRET = 'PeerSecret-0123456789';
const FIELDS = {
  app_id: '1524456',
  item: 'gem_pack',
  lang: 'ru_RU',
  notification_type: 'get_item_test',
  order_id: '2044594',
  receiver_id: '1',
  user_id: '1',
  version: '5.132',
};

/** The peers below listen on 127.0.0.1, which the operator has to allow (VKP_ALLOW_PRIVATE_URLS). */
const OUTBOUND = createOutbound({ allow: parseAllowList('127.0.0.1') });

interface Peer {
  url: string;
  received: string[];
}

const open: { close(): void; closeAllConnections(): void }[] = [];
afterEach(() => {
  for (const s of open.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** A real HTTP server standing in for the app's handler. */
async function peer(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<Peer> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push(body);
      answer(req, res);
    });
  });
  open.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/vk`, received };
}

const json = (status: number, body: string) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
};

describe('probeNotificationUrl', () => {
  it('signs nothing and sends nothing when a value could fold a real order into the signed body', async () => {
    const p = await peer(json(200, '{"response":{"title":"Gem pack","price":24}}'));
    const item = 'gemnotification_type=order_status_changeorder_id=5receiver_id=1status=chargeableuser_id=1zz=';
    await expect(probeNotificationUrl(OUTBOUND, p.url, { ...FIELDS, item }, SECRET, { placeholderItem: false })).rejects.toThrow(
      UnsignableError,
    );
    await expect(
      probeNotificationUrl(OUTBOUND, p.url, { ...FIELDS, notification_type: 'get_item' }, SECRET, { placeholderItem: false }),
    ).rejects.toThrow(/only the _test types/);
    expect(p.received).toEqual([]);
  });

  it('posts a form body signed with the secret, as VK does', async () => {
    const p = await peer(json(200, '{"response":{"title":"Gem pack","price":24}}'));
    const check = await probeNotificationUrl(OUTBOUND, p.url, FIELDS, SECRET, { placeholderItem: false });
    expect(p.received).toHaveLength(1);
    const posted = Object.fromEntries(new URLSearchParams(p.received[0]));
    expect(posted).toMatchObject(FIELDS);
    expect(verifySig(posted, SECRET)).toBe(true);
    expect(check).toMatchObject({ ok: true, verdict: 'SUCCESS', httpStatus: 200, problems: [], errorCode: null, request: posted });
    expect(JSON.stringify(check)).not.toContain(SECRET);
  });

  it('a success answer missing the price is INVALID with the reason', async () => {
    const p = await peer(json(200, '{"response":{"title":"Gem pack"}}'));
    const check = await probeNotificationUrl(OUTBOUND, p.url, FIELDS, SECRET, { placeholderItem: false });
    expect(check).toMatchObject({ ok: false, verdict: 'INVALID', problems: ['response.price must be a positive integer (votes)'] });
  });

  it('error 20 for a real catalog item is a VK_ERROR that is not ok', async () => {
    const p = await peer(json(200, '{"error":{"error_code":20,"error_msg":"no such item","critical":true}}'));
    const check = await probeNotificationUrl(OUTBOUND, p.url, FIELDS, SECRET, { placeholderItem: false });
    expect(check).toMatchObject({ ok: false, verdict: 'VK_ERROR', errorCode: 20, errorMessage: 'no such item', problems: [] });
  });

  it('error 20 for the made-up item counts as a healthy handler and says so', async () => {
    const p = await peer(json(200, '{"error":{"error_code":20,"error_msg":"no such item","critical":true}}'));
    const check = await probeNotificationUrl(OUTBOUND, p.url, { ...FIELDS, item: 'vkp_check' }, SECRET, { placeholderItem: true });
    expect(check).toMatchObject({ ok: true, verdict: 'VK_ERROR', errorCode: 20 });
    expect(check.summary).toContain('made-up item "vkp_check"');
  });

  it('error 10 for the made-up item is still a failure: the handler refused our signature', async () => {
    const p = await peer(json(200, '{"error":{"error_code":10,"error_msg":"bad sig","critical":true}}'));
    const check = await probeNotificationUrl(OUTBOUND, p.url, FIELDS, SECRET, { placeholderItem: true });
    expect(check).toMatchObject({ ok: false, verdict: 'VK_ERROR', errorCode: 10 });
  });

  it('a well-formed answer over HTTP 500 is INVALID: VK expects HTTP 200', async () => {
    const p = await peer(json(500, '{"error":{"error_code":2,"error_msg":"db down","critical":false}}'));
    const check = await probeNotificationUrl(OUTBOUND, p.url, FIELDS, SECRET, { placeholderItem: false });
    expect(check).toMatchObject({ ok: false, verdict: 'INVALID', httpStatus: 500, errorCode: 2 });
    expect(check.problems[0]).toMatch(/^HTTP 500: VK expects HTTP 200/);
  });

  it('a redirect is reported, not followed', async () => {
    const target = await peer(json(200, '{"response":{"title":"Gem pack","price":24}}'));
    const p = await peer((_req, res) => res.writeHead(302, { location: target.url }).end());
    const check = await probeNotificationUrl(OUTBOUND, p.url, FIELDS, SECRET, { placeholderItem: false });
    expect(check).toMatchObject({ ok: false, verdict: 'INVALID', httpStatus: 302 });
    expect(check.problems[0]).toContain(`redirect to ${target.url}`);
    expect(target.received).toHaveLength(0);
  });

  it('a long answer is cut at 2,048 characters', async () => {
    const p = await peer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>'.repeat(5000)));
    const check = await probeNotificationUrl(OUTBOUND, p.url, FIELDS, SECRET, { placeholderItem: false });
    expect(check.verdict).toBe('INVALID');
    expect(check.responseBody).toHaveLength(RESPONSE_BODY_LIMIT + 1);
    expect(check.responseBody!.endsWith('…')).toBe(true);
  });

  it('no answer within the deadline is UNREACHABLE, in the words a closed port gets', async () => {
    const p = await peer(() => {}); // never answers
    const check = await probeNotificationUrl(OUTBOUND, p.url, FIELDS, SECRET, { placeholderItem: false, timeoutMs: 200 });
    expect(check).toMatchObject({ ok: false, verdict: 'UNREACHABLE', httpStatus: null, responseBody: null });
    expect(check.problems).toEqual([
      'could not connect to the URL (no HTTP answer within 0.2 s): VK gives up after 10 s and retries later (docs/protocol.md §1)',
    ]);
    expect(check.durationMs).toBeGreaterThanOrEqual(150);
  });

  it('a host that does not resolve is UNREACHABLE, not an exception', async () => {
    const nowhere = createOutbound({
      allow: parseAllowList(''),
      resolve: () => Promise.reject(new Error('getaddrinfo ENOTFOUND no-such-host.invalid')),
    });
    const check = await probeNotificationUrl(nowhere, 'http://no-such-host.invalid/vk', FIELDS, SECRET, { placeholderItem: false });
    expect(check).toMatchObject({ ok: false, verdict: 'UNREACHABLE' });
    expect(check.problems).toEqual(['could not resolve the host name of the URL']);
    expect(verifySig(check.request, SECRET)).toBe(true);
  });

  it('a private address is refused, by its category, without a request', async () => {
    const p = await peer(json(200, '{"response":{"title":"Gem pack","price":24}}'));
    const check = await probeNotificationUrl(createOutbound({ allow: parseAllowList('') }), p.url, FIELDS, SECRET, {
      placeholderItem: false,
    });
    expect(check).toMatchObject({ ok: false, verdict: 'UNREACHABLE', httpStatus: null, responseBody: null });
    expect(check.problems).toEqual([
      'refused: 127.0.0.1 is a loopback address; the server connects only to public addresses unless VKP_ALLOW_PRIVATE_URLS allows it',
    ]);
    expect(check.summary).toMatch(/^Not sent: refused: .*: the notification URL must be public\.$/);
    expect(p.received).toHaveLength(0);
  });
});
