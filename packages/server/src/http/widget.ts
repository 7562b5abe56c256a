/**
 * Serves the widget's module at `/widget/vk-payments-admin.js`, the chunks it loads from beside it
 * (its lazy views and their shared code, named by content hash), and `GET /admin`, a page that embeds it
 * (README "Embed the admin"), with its stylesheet and script at `/admin/page.css` and `/admin/page.js`. The
 * module and the page's script come from the widget package's build in this monorepo
 * (`packages/widget/dist`); when it has not been built, they answer 404 saying how to build it.
 *
 * The page runs under a strict Content-Security-Policy (security-headers.ts), so it has no inline
 * script or style: everything it runs or shows comes from the files below.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ADMIN_PAGE_HEADERS } from './security-headers.js';

export const WIDGET_MODULE = 'vk-payments-admin.js';
/** The admin page's own script, built from the widget package's `src/page/` beside the module. */
export const ADMIN_PAGE_SCRIPT = 'admin-page.js';
const WIDGET_DIR = fileURLToPath(new URL('../../../widget/dist/', import.meta.url));
/**
 * The entry module, and the chunks the bundler names `<name>-<content hash>.js`; each with its source
 * map. Nothing else of the folder is ever served.
 */
const ENTRY = /^vk-payments-admin\.js(\.map)?$/;
const CHUNK = /^[a-z][a-z0-9-]*-[A-Z0-9]{8}\.js(\.map)?$/;

export interface WidgetRouteOptions {
  /** Folder holding the built module (tests point it elsewhere). */
  dir?: string;
}

const javascript = (file: string): string => (file.endsWith('.map') ? 'application/json; charset=utf-8' : 'text/javascript; charset=utf-8');

async function sendBuilt(reply: FastifyReply, path: string, type: string): Promise<FastifyReply> {
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    // Not the cache headers of the file that should be here: a 404 must not be kept for a year.
    return reply.code(404).header('cache-control', 'no-store').send({ error: 'the widget is not built: run pnpm -r build' });
  }
  return reply.type(type).send(body);
}

export function widgetRoutes(app: FastifyInstance, { dir = WIDGET_DIR }: WidgetRouteOptions = {}): Promise<void> {
  app.get<{ Params: { file: string } }>('/widget/:file', async (req, reply) => {
    const { file } = req.params;
    const chunk = CHUNK.test(file);
    if (!chunk && !ENTRY.test(file)) return reply.code(404).send({ error: 'not found' });
    reply
      // Embedding pages on other origins load it with <script type="module">, which uses CORS (its
      // chunks too: module imports are CORS requests); and pages that isolate themselves (COEP
      // require-corp) may still load it.
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      // The entry keeps its name across releases, so it is revalidated soon; a chunk's name changes
      // with its content, so a cached one is never stale.
      .header('cache-control', chunk ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    return sendBuilt(reply, `${dir}${file}`, javascript(file));
  });

  app.get('/admin', async (_req, reply) =>
    reply.headers(ADMIN_PAGE_HEADERS).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(ADMIN_PAGE),
  );

  // The page's own files: for this origin's page only (no CORS), revalidated so a deploy shows at once.
  const pageFile = { 'cross-origin-resource-policy': 'same-origin', 'cache-control': 'no-cache' };
  app.get('/admin/page.css', async (_req, reply) => reply.headers(pageFile).type('text/css; charset=utf-8').send(ADMIN_PAGE_CSS));
  app.get<{ Params: { file: string } }>('/admin/:file', async (req, reply) => {
    const { file } = req.params;
    if (file !== 'page.js' && file !== 'page.js.map') return reply.code(404).send({ error: 'not found' });
    return sendBuilt(reply.headers(pageFile), `${dir}${file.replace('page.js', ADMIN_PAGE_SCRIPT)}`, javascript(file));
  });
  return Promise.resolve();
}

/**
 * The admin page: the widget on this server's own GraphQL. Its script (`/admin/page.js`) asks for a
 * token and an app id (or takes them from `#token=…&app=…`, which never reaches the server), checks
 * the token with the `me` query, shows who is signed in, and hands the token to the widget as a
 * property: it never becomes an attribute or text of the document. The texts here are the Russian
 * defaults; the script switches them to the chosen language. `[hidden]` always wins in page.css, so
 * the form and the widget are never shown together.
 */
const ADMIN_PAGE = `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>vk-payments — admin</title>
<link rel="stylesheet" href="/admin/page.css">
<script type="module" src="/widget/${WIDGET_MODULE}"></script>
<script type="module" src="/admin/page.js"></script>
</head>
<body>
<main>
  <header class="bar">
    <h1 class="brand">vk-payments</h1>
    <span id="who" class="who" role="status" hidden></span>
    <span class="switches">
      <select id="locale" aria-label="Язык / Language"><option value="ru">Русский</option><option value="en">English</option></select>
      <select id="theme" aria-label="Тема / Theme"><option value="" data-t="themeAuto">Как в системе</option><option value="light" data-t="themeLight">Светлая</option><option value="dark" data-t="themeDark">Тёмная</option></select>
      <button id="logout" type="button" class="secondary" data-t="signOut" hidden>Выйти</button>
    </span>
  </header>
  <form id="login" autocomplete="off" hidden>
    <h2 data-t="title">Вход в панель платежей</h2>
    <label><span data-t="token">Токен доступа</span> <input name="token" type="password" autocomplete="off" required></label>
    <label><span data-t="app">ID приложения VK</span> <input name="app" inputmode="numeric" pattern="[0-9]+" required></label>
    <p id="login-error" class="error" role="alert" hidden></p>
    <button data-t="signIn">Войти</button>
  </form>
  <noscript><p>Эта страница работает только с JavaScript. / This page needs JavaScript.</p></noscript>
  <div id="shell"></div>
</main>
</body>
</html>
`;

/**
 * The page's look: VK's palette (the widget's, see packages/widget/src/styles/theme.ts, which says how
 * its colours meet WCAG 2.2 AA contrast), light by default, dark with the system's dark scheme or the
 * page's theme switch (`data-theme` on <html>, which the script also gives the widget as its `theme`).
 * The page's one level-one heading is the brand in the bar, shown whether signed in or not.
 */
const ADMIN_PAGE_CSS = `:root {
  color-scheme: light;
  --bg: #f2f3f5; --surface: #ffffff; --text: #000000; --muted: #626d7a; --border: #dce1e6;
  --accent: #1f70c2; --accent-text: #ffffff; --danger: #c13b3b;
}
:root[data-theme='dark'] {
  color-scheme: dark;
  --bg: #0a0a0a; --surface: #19191a; --text: #e1e3e6; --muted: #939699; --border: #363738;
  --accent: #529ef4; --accent-text: #19191a; --danger: #ff5c5c;
}
@media (prefers-color-scheme: dark) {
  :root:not([data-theme='light']) {
    color-scheme: dark;
    --bg: #0a0a0a; --surface: #19191a; --text: #e1e3e6; --muted: #939699; --border: #363738;
    --accent: #529ef4; --accent-text: #19191a; --danger: #ff5c5c;
  }
}
[hidden] { display: none !important; }
html { background: var(--bg); color: var(--text); }
body { margin: 0; padding: 16px; font: 14px/1.45 -apple-system, system-ui, 'Segoe UI', Roboto, sans-serif; }
main { max-width: 1100px; margin: 0 auto; }
.bar { display: flex; gap: 8px 12px; align-items: center; flex-wrap: wrap; margin-bottom: 12px; }
.brand { margin: 0; font-size: 16px; }
.who { color: var(--muted); overflow-wrap: anywhere; }
.switches { display: flex; gap: 8px; flex-wrap: wrap; margin-left: auto; }
form { display: grid; gap: 12px; max-width: 420px; padding: 16px; border: 1px solid var(--border); border-radius: 10px; background: var(--surface); }
h2 { margin: 0; font-size: 18px; }
label { display: grid; gap: 4px; }
input, select, button { font: inherit; padding: 7px 10px; border-radius: 8px; border: 1px solid var(--border); background: var(--surface); color: var(--text); }
input:focus-visible, select:focus-visible, button:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
button { background: var(--accent); color: var(--accent-text); border-color: var(--accent); cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); }
.error { margin: 0; color: var(--danger); }
`;
