/**
 * The outbound module against real sockets on loopback only: every other address is either refused
 * before any connection (that is the point) or answered by an injected resolver that maps a made-up
 * name to a loopback address.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllowList } from './addresses.js';
import { COULD_NOT_CONNECT, createOutbound, OutboundError, type OutboundRequest, type Resolve } from './outbound.js';
import { PRIVATE_AS_WRITTEN } from '../../test/fixtures/private-urls.js';
import { until } from '../../test/helpers.js';

const REQUEST: OutboundRequest = { headers: { 'content-type': 'text/plain' }, body: 'hello', timeoutMs: 2_000, maxBytes: 1024 };

const open: (NetServer | HttpServer)[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(open.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function listen<S extends NetServer | HttpServer>(server: S, host: string, port = 0): Promise<S & { port: number }> {
  open.push(server);
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return Object.assign(server, { port: (server.address() as AddressInfo).port });
}

/** A TCP listener that only counts who connected (and answers nothing). */
async function counter(host: string, port = 0): Promise<{ host: string; port: number; connections: number }> {
  const state = { host, port: 0, connections: 0 };
  const server = await listen(
    createNetServer((socket) => {
      state.connections++;
      socket.destroy();
    }),
    host,
    port,
  );
  state.port = server.port;
  return state;
}

/**
 * Opens one connection of our own to each counter and waits until each has counted it: a listener
 * accepts in order, so a connection made before ours has been counted by then. Returns the
 * connections counted before ours.
 */
async function countedBefore(...counters: { host: string; port: number; connections: number }[]): Promise<number> {
  const ours = counters.map((c) => {
    const counted = c.connections + 1;
    const socket = connect(c.port, c.host);
    socket.on('error', () => undefined);
    sockets.add(socket);
    return { c, counted };
  });
  await until('our own connections counted', () => ours.every(({ c, counted }) => c.connections >= counted));
  return ours.reduce((n, { c }) => n + c.connections - 1, 0);
}

/** An HTTP server answering 200 with `text`. */
async function httpPeer(text = 'ok', host = '127.0.0.1'): Promise<{ port: number; hits: number }> {
  const state = { port: 0, hits: 0 };
  const server = await listen(
    createHttpServer((req, res) => {
      state.hits++;
      req.resume();
      req.on('end', () => res.end(text));
    }),
    host,
  );
  state.port = server.port;
  return state;
}

const fixed = (...answers: string[][]): Resolve & { calls: number } => {
  const fn = Object.assign(
    () => {
      const addresses = answers[Math.min(fn.calls, answers.length - 1)]!;
      fn.calls++;
      return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
    },
    { calls: 0 },
  );
  return fn;
};

async function failure(promise: Promise<unknown>): Promise<OutboundError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OutboundError);
  return err as OutboundError;
}

describe('outbound: refused before any connection', () => {
  it.each([
    ['127.0.0.1', (p: number) => `http://127.0.0.1:${p}/vk`, 'loopback'],
    ['2130706433', (p: number) => `http://2130706433:${p}/vk`, 'loopback'],
    ['0x7f.1', (p: number) => `http://0x7f.1:${p}/vk`, 'loopback'],
    ['127.1', (p: number) => `http://127.1:${p}/vk`, 'loopback'],
    ['0.0.0.0', (p: number) => `http://0.0.0.0:${p}/vk`, 'unspecified'],
    ['[::ffff:127.0.0.1]', (p: number) => `http://[::ffff:127.0.0.1]:${p}/vk`, 'loopback'],
    ['[::1]', (p: number) => `http://[::1]:${p}/vk`, 'loopback'],
    ['[::]', (p: number) => `http://[::]:${p}/vk`, 'unspecified'],
    ['localhost (resolved by the system: /etc/hosts)', (p: number) => `http://localhost:${p}/vk`, 'loopback'],
  ])('%s', async (_what, url, category) => {
    const v4 = await counter('127.0.0.1');
    const v6 = await counter('::1', v4.port).catch(() => null); // a machine without IPv6 loopback
    const err = await failure(createOutbound({ allow: parseAllowList('') }).post(url(v4.port), REQUEST));
    expect(err.kind).toBe('refused');
    expect(err.message).toContain(`${category} address`);
    expect(err.message).toContain('VKP_ALLOW_PRIVATE_URLS');
    expect(await countedBefore(v4, ...(v6 ? [v6] : []))).toBe(0);
  });

  it('a name that resolves to a private address is refused after resolution, by category only', async () => {
    const resolve = fixed(['10.20.30.40']);
    const err = await failure(createOutbound({ allow: parseAllowList(''), resolve }).post('http://intranet.example/hook', REQUEST));
    expect(err.kind).toBe('refused');
    expect(err.message).toBe(
      'refused: the host name resolves to a private address; the server connects only to public addresses unless VKP_ALLOW_PRIVATE_URLS allows it',
    );
    expect(err.message).not.toContain('10.20.30.40');
    expect(resolve.calls).toBe(1);
  });

  it.each([['169.254.169.254'], ['100.64.1.1'], ['fd00::1'], ['::ffff:10.0.0.1'], ['64:ff9b::a9fe:a9fe']])(
    'a name resolving to %s is refused',
    async (address) => {
      const err = await failure(
        createOutbound({ allow: parseAllowList(''), resolve: fixed([address]) }).post('https://metadata.example/', REQUEST),
      );
      expect(err.kind).toBe('refused');
    },
  );

  it('a name with a public and a private address is refused as a whole: no address of it is tried', async () => {
    const peer = await httpPeer();
    // 127.0.0.1 stands in for "public" here (allowlisted), 127.0.0.2 for the private one.
    const resolve = fixed(['127.0.0.1', '127.0.0.2']);
    const err = await failure(
      createOutbound({ allow: parseAllowList('127.0.0.1'), resolve }).post(`http://mixed.example:${peer.port}/`, REQUEST),
    );
    expect(err.kind).toBe('refused');
    expect(peer.hits).toBe(0);
  });

  it('a name that does not resolve says so, without system error text', async () => {
    const resolve: Resolve = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' }));
    const err = await failure(createOutbound({ allow: parseAllowList(''), resolve }).post('http://nowhere.invalid/', REQUEST));
    expect(err).toMatchObject({ kind: 'unresolved', message: 'could not resolve the host name of the URL' });
  });
});

describe('outbound: DNS rebinding cannot switch the address', () => {
  it('the socket connects to the address that was checked; the name is resolved once', async () => {
    // The resolver answers an allowed address first and a refused one on any later call, as a
    // rebinding DNS server would between a check and a connect.
    const checked = await counter('127.0.0.1');
    const rebound = await counter('127.0.0.2', checked.port);
    const resolve = fixed(['127.0.0.1'], ['127.0.0.2']);
    const outbound = createOutbound({ allow: parseAllowList('127.0.0.1'), resolve });
    await failure(outbound.post(`http://rebind.example:${checked.port}/`, { ...REQUEST, timeoutMs: 500 }));
    expect(resolve.calls).toBe(1);
    expect(checked.connections).toBe(1);
    expect(rebound.connections).toBe(0);
    // The next request resolves again, and the new answer is checked again: refused, not connected.
    const err = await failure(outbound.post(`http://rebind.example:${checked.port}/`, REQUEST));
    expect(err.kind).toBe('refused');
    expect(rebound.connections).toBe(0);
  });

  it('TLS keeps the host name for SNI while connecting to the checked address', async () => {
    let servername: string | undefined;
    const tls = await listen(
      createTlsServer({
        SNICallback: (name, cb) => {
          servername = name;
          cb(new Error('no certificate here'), undefined);
        },
      }) as unknown as NetServer,
      '127.0.0.1',
    );
    const err = await failure(
      createOutbound({ allow: parseAllowList('127.0.0.0/8'), resolve: fixed(['127.0.0.1']) }).post(
        `https://pay.example:${tls.port}/`,
        REQUEST,
      ),
    );
    expect(servername).toBe('pay.example');
    expect(err.message).toBe(COULD_NOT_CONNECT);
  });
});

describe('outbound: allowlisted private addresses', () => {
  it.each(['127.0.0.1', '127.0.0.0/8', '*', 'peer.internal'])('VKP_ALLOW_PRIVATE_URLS=%s reaches the peer', async (allow) => {
    const peer = await httpPeer('granted');
    const url = allow === 'peer.internal' ? `http://peer.internal:${peer.port}/grant` : `http://127.0.0.1:${peer.port}/grant`;
    const res = await createOutbound({ allow: parseAllowList(allow), resolve: fixed(['127.0.0.1']) }).post(url, REQUEST);
    expect(res).toMatchObject({ status: 200, text: 'granted' });
    expect(peer.hits).toBe(1);
  });

  it("this server's own listen address (host and exact port) is allowed, and no other port", async () => {
    const peer = await httpPeer('ours');
    const outbound = createOutbound({ allow: parseAllowList('') });
    outbound.setOwnAddresses([{ address: '127.0.0.1', port: peer.port }]);
    expect((await outbound.post(`http://127.0.0.1:${peer.port}/vk/payments`, REQUEST)).text).toBe('ours');
    expect(outbound.refusalOf(`http://127.0.0.1:${peer.port}/vk/payments`)).toBeNull();
    expect(outbound.refusalOf(`http://127.0.0.1:${peer.port + 1}/vk/payments`)).toMatch(/^refused: 127\.0\.0\.1 is a loopback address/);
    const other = await counter('127.0.0.1');
    expect((await failure(outbound.post(`http://127.0.0.1:${other.port}/`, REQUEST))).kind).toBe('refused');
  });
});

describe('outbound: failures read the same whatever listens', () => {
  const allowAll = createOutbound({ allow: parseAllowList('*') });

  it('closed, open but not HTTP, open and closing, silent until the deadline: one message', async () => {
    const closed = await counter('127.0.0.1');
    const closedPort = closed.port;
    await new Promise<void>((resolve) => (open.pop() as NetServer).close(() => resolve()));
    const garbage = await listen(
      createNetServer((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n')),
      '127.0.0.1',
    );
    const hangsUp = await listen(
      createNetServer((s) => s.destroy()),
      '127.0.0.1',
    );
    const silent = await listen(
      createNetServer(() => {}),
      '127.0.0.1',
    );
    const messages = [];
    for (const port of [closedPort, garbage.port, hangsUp.port, silent.port]) {
      const err = await failure(allowAll.post(`http://127.0.0.1:${port}/`, { ...REQUEST, timeoutMs: 300 }));
      messages.push([err.kind, err.message]);
    }
    expect(messages).toEqual(new Array(4).fill(['unreachable', COULD_NOT_CONNECT]));
  });

  it('reads at most maxBytes of an endless answer, then stops', async () => {
    let aborted = false;
    const peer = await listen(
      createHttpServer((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = 'x'.repeat(64 * 1024);
        const pump = (): void => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('close', () => (aborted = true));
        pump();
      }),
      '127.0.0.1',
    );
    const started = Date.now();
    const res = await allowAll.post(`http://127.0.0.1:${peer.port}/`, { ...REQUEST, maxBytes: 1000, timeoutMs: 5_000 });
    expect(res.text).toHaveLength(1000);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect.poll(() => aborted).toBe(true);
  });

  it('an answer that trickles past the deadline is cut at the deadline', async () => {
    const peer = await listen(
      createHttpServer((req, res) => {
        req.resume();
        res.writeHead(200);
        const timer = setInterval(() => res.write('.'), 50);
        res.on('close', () => clearInterval(timer));
      }),
      '127.0.0.1',
    );
    const started = Date.now();
    const err = await failure(allowAll.post(`http://127.0.0.1:${peer.port}/`, { ...REQUEST, timeoutMs: 300 }));
    expect(err.message).toBe(COULD_NOT_CONNECT);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('a redirect is reported with its location, not followed', async () => {
    const target = await httpPeer();
    const redirecting = await listen(
      createHttpServer((req, res) => {
        req.resume();
        res.writeHead(307, { location: `http://127.0.0.1:${target.port}/` }).end();
      }),
      '127.0.0.1',
    );
    const res = await allowAll.post(`http://127.0.0.1:${redirecting.port}/`, REQUEST);
    expect(res).toMatchObject({ status: 307, location: `http://127.0.0.1:${target.port}/` });
    expect(target.hits).toBe(0);
  });
});

describe('outbound: what may be saved', () => {
  const outbound = createOutbound({ allow: parseAllowList('') });

  it.each(PRIVATE_AS_WRITTEN)('refuses %s as written', (url) => {
    expect(outbound.refusalOf(url)).toMatch(/^refused: .*VKP_ALLOW_PRIVATE_URLS/);
  });

  it.each([
    'https://game.example.com/vk',
    'https://93.184.216.34/vk',
    'https://[2a00:1450::1]/vk',
    'https://does-not-resolve-yet.invalid/vk',
  ])('accepts %s (names are checked when connecting)', (url) => {
    expect(outbound.refusalOf(url)).toBeNull();
  });

  it('accepts what the allowlist covers', () => {
    const allowing = createOutbound({ allow: parseAllowList('10.0.0.0/8, localhost') });
    expect(allowing.refusalOf('http://10.0.0.5/hook')).toBeNull();
    expect(allowing.refusalOf('http://localhost:3000/hook')).toBeNull();
    expect(allowing.refusalOf('http://192.168.0.5/hook')).not.toBeNull();
    expect(createOutbound({ allow: parseAllowList('127.0.0.1') }).refusalOf('http://localhost:3000/hook')).toBeNull();
    expect(createOutbound({ allow: parseAllowList('10.0.0.0/8') }).refusalOf('http://localhost:3000/hook')).not.toBeNull();
  });
});
