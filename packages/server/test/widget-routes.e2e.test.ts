/**
 * The server's side of the widget: the admin page and the self-contained module. (`pnpm test` builds
 * the widget before the server's tests run.) What a browser does with these headers is checked in
 * real Chromium by packages/widget/embed-test/admin-page.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_TOKEN, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

/** `default-src 'none'; script-src 'self'` → { 'default-src': ["'none'"], 'script-src': ["'self'"] }. */
function directives(policy: string | null): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of (policy ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out[name.toLowerCase()] = values;
  }
  return out;
}

describe('GET /admin and /widget', () => {
  it('serves an admin page that loads the widget and its own script from this server and asks for a token', async () => {
    const res = await fetch(`${t.url}/admin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/widget/vk-payments-admin.js"></script>');
    expect(html).toContain('<script type="module" src="/admin/page.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/admin/page.css">');
    expect(html).toMatch(/name="token" type="password"/);
  });

  it('answers /admin with a strict Content-Security-Policy: only its own files, no inline script, no framing', async () => {
    const res = await fetch(`${t.url}/admin`);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['style-src']).toEqual(["'self'"]);
    expect(csp['connect-src']).toEqual(["'self'"]);
    expect(csp['img-src']).toEqual(["'self'"]);
    expect(csp['base-uri']).toEqual(["'none'"]);
    expect(csp['form-action']).toEqual(["'none'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['require-trusted-types-for']).toEqual(["'script'"]);
    // Nothing anywhere in it may re-open inline code or a foreign origin.
    expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-|\*|data:|blob:|https?:/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('has nothing inline the policy would have to allow: no script body, no <style>, no style= or on…= attributes', async () => {
    const html = await (await fetch(`${t.url}/admin`)).text();
    for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      expect(attributes).toMatch(/\bsrc="\/[^/]/); // a file of this origin
      expect(body).toBe('');
    }
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
  });

  it.each([
    ['/admin/page.js', 'text/javascript; charset=utf-8', 'signIn'],
    ['/admin/page.css', 'text/css; charset=utf-8', 'prefers-color-scheme: dark'],
  ])("serves the page's own %s, for this origin only", async (path, type, content) => {
    const res = await fetch(`${t.url}${path}`, { headers: { origin: 'https://elsewhere.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await res.text()).toContain(content);
  });

  it('the page script takes the widget from the served module, not a second copy', async () => {
    const script = await (await fetch(`${t.url}/admin/page.js`)).text();
    expect(script).toMatch(/from\s*"\/widget\/vk-payments-admin\.js"/);
    expect(script).not.toContain('lit-html');
  });

  it('serves the built module as JavaScript that any origin may load, never sniffed', async () => {
    const res = await fetch(`${t.url}/widget/vk-payments-admin.js`, { headers: { origin: 'https://elsewhere.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('vk-payments-admin');
  });

  it('serves every chunk the module loads, lazy views too, to any origin, cached for good by its content-hashed name', async () => {
    /** The relative imports of a served file: `from"./x.js"` and `import("./x.js")`. */
    const importsOf = async (file: string): Promise<string[]> => {
      const code = await (await fetch(`${t.url}/widget/${file}`)).text();
      return [...code.matchAll(/(?:from|import\()\s*["']\.\/([^"']+)["']/g)].map((m) => m[1]!);
    };
    const seen = new Set<string>();
    const queue = await importsOf('vk-payments-admin.js');
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      if (seen.has(file)) continue;
      seen.add(file);
      const res = await fetch(`${t.url}/widget/${file}`, { headers: { origin: 'https://elsewhere.example' } });
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      queue.push(...(await importsOf(file)));
    }
    // One chunk per lazy view at least, each named by its content's hash.
    for (const view of ['logs', 'transactions', 'deliveries', 'stats', 'moderation'])
      expect(
        [...seen].some((f) => new RegExp(`^${view}-[A-Z0-9]{8}\\.js$`).test(f)),
        view,
      ).toBe(true);
    // The entry keeps its name across releases: revalidated, never immutable.
    expect((await fetch(`${t.url}/widget/vk-payments-admin.js`)).headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('answers a chunk that is not there with a 404 nobody caches', async () => {
    const res = await fetch(`${t.url}/widget/logs-AAAAAAAA.js`);
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    'package.json',
    '..%2Fpackage.json',
    'index.js',
    'vk-payments-admin.jsx',
    'admin-page.js',
    'lazy-views.js',
    'chunk-AAAAAAAA.ts',
    'bundle-sizes.json',
  ])('serves nothing else of the folder: /widget/%s', async (file) => {
    expect((await fetch(`${t.url}/widget/${file}`)).status).toBe(404);
  });

  it.each(['index.js', 'admin-page.js', '..%2Fpackage.json', 'page.jsx'])('serves nothing else under /admin: %s', async (file) => {
    expect((await fetch(`${t.url}/admin/${file}`)).status).toBe(404);
  });

  it('serves no other page: GET /graphql from a browser gets no landing page of third-party scripts', async () => {
    const res = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(await res.text()).not.toMatch(/<script|cdn\.apollographql/i);
  });

  it.each([
    ['the API', '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ me { kind } }"}' }],
    ['a probe', '/healthz', {}],
    ['a 404', '/nothing-here', {}],
    [
      "VK's endpoint",
      '/vk/payments',
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'app_id=1' },
    ],
  ] as const)('every answer is nosniff: %s', async (_what, path, init) => {
    const res = await fetch(`${t.url}${path}`, init);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('me, as the admin page shows it', () => {
  it("tells who the token belongs to: root, a key with its label, a session with its minting key's label — never the token", async () => {
    const app = 77001;
    await t.gql(`mutation { createApp(input: {vkAppId: ${app}, name: "Me", secretKey: "AbCdEf0123456789XyZw"}) { vkAppId } }`);
    const me = '{ me { kind role vkAppId expiresAt label } }';
    expect((await t.gql(me)).data).toEqual({ me: { kind: 'root', role: null, vkAppId: null, expiresAt: null, label: null } });

    const key = await t.gql<{ createApiKey: { token: string } }>(
      `mutation { createApiKey(vkAppId: ${app}, role: PAYMENTS_ADMIN, label: "game backend") { token } }`,
    );
    const keyToken = key.data!.createApiKey.token;
    expect((await t.gql(me, {}, keyToken)).data).toEqual({
      me: { kind: 'key', role: 'PAYMENTS_ADMIN', vkAppId: app, expiresAt: null, label: 'game backend' },
    });

    const session = await t.gql<{ createWidgetSession: { token: string; expiresAt: string } }>(
      `mutation { createWidgetSession(vkAppId: ${app}, role: PAYMENTS_ADMIN, ttlSeconds: 600) { token expiresAt } }`,
      {},
      keyToken,
    );
    expect(session.errors).toBeUndefined();
    const { token: sessionToken, expiresAt } = session.data!.createWidgetSession;
    const answer = await t.gql<{ me: Record<string, unknown> }>(me, {}, sessionToken);
    expect(answer.data).toEqual({ me: { kind: 'session', role: 'PAYMENTS_ADMIN', vkAppId: app, expiresAt, label: 'game backend' } });
    expect(JSON.stringify(answer)).not.toContain(sessionToken);
    expect(JSON.stringify(answer)).not.toContain(ROOT_TOKEN);
  });
});
