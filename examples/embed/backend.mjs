#!/usr/bin/env node
/**
 * A host's tiny backend that embeds <vk-payments-admin> on its own origin.
 *
 *   VKP_URL=http://127.0.0.1:8080 VKP_KEY=<a PAYMENTS_ADMIN or ADMIN key> VKP_APP=<vkAppId> PORT=8090 node backend.mjs
 *
 * It serves index.html and `POST /vkp-session`, which mints a short-lived widget session with the key
 * (the key itself never reaches the browser). Start vk-payments with VKP_CORS_ORIGINS=http://127.0.0.1:8090
 * so the page may call it. Node 20, no packages.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';

const { VKP_URL = 'http://127.0.0.1:8080', VKP_KEY, VKP_APP, PORT = '8090', ROLE = 'PAYMENTS_ADMIN' } = process.env;
if (!VKP_KEY || !VKP_APP) {
  console.error('set VKP_KEY (an API key of the app) and VKP_APP (its vkAppId)');
  process.exit(2);
}

async function mintSession() {
  const res = await fetch(`${VKP_URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${VKP_KEY}` },
    body: JSON.stringify({
      query: 'mutation($app: Int!, $role: Role!) { createWidgetSession(vkAppId: $app, role: $role, ttlSeconds: 900) { token expiresAt } }',
      variables: { app: Number(VKP_APP), role: ROLE },
    }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data.createWidgetSession;
}

const server = createServer(async (req, res) => {
  try {
    if (req.method === 'POST' && req.url === '/vkp-session') {
      // Here a real host checks its own user's login first.
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await mintSession()));
      return;
    }
    if (req.method === 'GET' && (req.url === '/' || req.url === '/index.html')) {
      const page = (await readFile(new URL('./index.html', import.meta.url), 'utf8'))
        .replaceAll('__VKP_URL__', VKP_URL)
        .replaceAll('__VKP_APP__', VKP_APP);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      return;
    }
    res.writeHead(404).end();
  } catch (err) {
    res
      .writeHead(502, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: String(err instanceof Error ? err.message : err) }));
  }
});
server.listen(Number(PORT), '127.0.0.1', () => console.log(`host page on http://127.0.0.1:${server.address().port}`));
