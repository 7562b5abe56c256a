/**
 * The server's side of the widget: the admin page and the self-contained module. (`pnpm test` builds
 * the widget before the server's tests run.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('GET /admin and /widget', () => {
  it('serves an admin page that loads the widget from this server and asks for a token', async () => {
    const res = await fetch(`${t.url}/admin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/widget/vk-payments-admin.js"></script>');
    expect(html).toContain('<vk-payments-admin endpoint="/graphql"');
    expect(html).toMatch(/name="token" type="password"/);
  });

  it('serves the built module as JavaScript that any origin may load', async () => {
    const res = await fetch(`${t.url}/widget/vk-payments-admin.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.text()).toContain('vk-payments-admin');
  });

  it.each(['package.json', '..%2Fpackage.json', 'index.js', 'vk-payments-admin.jsx'])('serves nothing else of the folder: %s', async (file) => {
    expect((await fetch(`${t.url}/widget/${file}`)).status).toBe(404);
  });
});
