/**
 * Serves the widget's self-contained module at `/widget/…` and `GET /admin`, a page that embeds it
 * (DESIGN.md §3). The files come from the widget package's build in this monorepo
 * (`packages/widget/dist`); when it has not been built, `/admin` says how to build it.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

export const WIDGET_MODULE = 'vk-payments-admin.js';
const WIDGET_DIR = fileURLToPath(new URL('../../../widget/dist/', import.meta.url));
/** Only the bundle and its source map: nothing else of the folder is ever served. */
const SERVED = /^vk-payments-admin\.js(\.map)?$/;

export interface WidgetRouteOptions {
  /** Folder holding the built module (tests point it elsewhere). */
  dir?: string;
}

export async function widgetRoutes(app: FastifyInstance, { dir = WIDGET_DIR }: WidgetRouteOptions = {}): Promise<void> {
  app.get<{ Params: { file: string } }>('/widget/:file', async (req, reply) => {
    const { file } = req.params;
    if (!SERVED.test(file)) return reply.code(404).send({ error: 'not found' });
    try {
      const body = await readFile(`${dir}${file}`);
      return reply
        .type(file.endsWith('.map') ? 'application/json; charset=utf-8' : 'text/javascript; charset=utf-8')
        // Embedding pages on other origins load it with <script type="module">, which uses CORS.
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'public, max-age=300')
        .send(body);
    } catch {
      return reply.code(404).send({ error: 'the widget is not built: run pnpm -r build' });
    }
  });

  app.get('/admin', async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(ADMIN_PAGE));
}

/**
 * The admin page: the widget on this server's own GraphQL. The token is asked for on the page (or
 * taken from `#token=…&app=…`, which never reaches the server) and kept in sessionStorage only.
 */
const ADMIN_PAGE = `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vk-payments — admin</title>
<style>
  body { margin: 0; padding: 16px; font: 14px/1.45 -apple-system, system-ui, 'Segoe UI', Roboto, sans-serif; background: #f2f3f5; color: #000; }
  @media (prefers-color-scheme: dark) { body { background: #0a0a0a; color: #e1e3e6; } }
  main { max-width: 1100px; margin: 0 auto; }
  form { display: grid; gap: 10px; max-width: 420px; padding: 16px; border-radius: 10px; background: #fff; color: #000; }
  label { display: grid; gap: 4px; }
  input, select, button { font: inherit; padding: 7px 10px; border-radius: 8px; border: 1px solid #dce1e6; }
  button { background: #2688eb; color: #fff; border-color: #2688eb; cursor: pointer; }
  .bar { display: flex; gap: 8px; justify-content: flex-end; margin-bottom: 8px; flex-wrap: wrap; }
</style>
<script type="module" src="/widget/${WIDGET_MODULE}"></script>
</head>
<body>
<main>
  <form id="login" hidden>
    <strong>vk-payments</strong>
    <label>Токен доступа / Access token <input name="token" type="password" autocomplete="off" required></label>
    <label>ID приложения VK / VK app id <input name="app" inputmode="numeric" pattern="[0-9]+" required></label>
    <button>Открыть / Open</button>
  </form>
  <div id="shell" hidden>
    <div class="bar">
      <select id="locale" aria-label="Language"><option value="ru">Русский</option><option value="en">English</option></select>
      <select id="theme" aria-label="Theme"><option value="">Auto</option><option value="light">Light</option><option value="dark">Dark</option></select>
      <button id="logout" type="button">Выйти / Sign out</button>
    </div>
    <vk-payments-admin endpoint="/graphql"></vk-payments-admin>
  </div>
</main>
<script type="module">
  const store = sessionStorage;
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('token')) { store.setItem('vkp.token', hash.get('token')); store.setItem('vkp.app', hash.get('app') || ''); history.replaceState(null, '', location.pathname); }
  const login = document.getElementById('login'), shell = document.getElementById('shell'), admin = document.querySelector('vk-payments-admin');
  const locale = document.getElementById('locale'), theme = document.getElementById('theme');
  function show() {
    const token = store.getItem('vkp.token'), app = store.getItem('vkp.app');
    login.hidden = Boolean(token && app); shell.hidden = !login.hidden;
    if (token && app) { admin.setAttribute('token', token); admin.setAttribute('app-id', app); }
  }
  login.addEventListener('submit', (e) => { e.preventDefault(); const f = new FormData(login); store.setItem('vkp.token', f.get('token')); store.setItem('vkp.app', f.get('app')); show(); });
  document.getElementById('logout').addEventListener('click', () => { store.removeItem('vkp.token'); store.removeItem('vkp.app'); location.reload(); });
  locale.value = store.getItem('vkp.locale') || 'ru'; admin.setAttribute('locale', locale.value);
  locale.addEventListener('change', () => { store.setItem('vkp.locale', locale.value); admin.setAttribute('locale', locale.value); });
  theme.value = store.getItem('vkp.theme') || ''; if (theme.value) admin.setAttribute('theme', theme.value);
  theme.addEventListener('change', () => { store.setItem('vkp.theme', theme.value); theme.value ? admin.setAttribute('theme', theme.value) : admin.removeAttribute('theme'); });
  show();
</script>
</body>
</html>
`;
