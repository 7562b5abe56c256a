/**
 * The browser-facing security headers: `nosniff` on every answer, and the strict policy of the
 * admin page (README "Security"). Pure values here; the routes that send them are in widget.ts.
 */
import type { FastifyInstance } from 'fastify';

/**
 * The admin page's Content-Security-Policy. The page loads only files of this server and talks only to
 * it, so everything else is refused:
 * - `script-src 'self'`: the page's own script is a file (`/admin/page.js`), never inline, and no
 *   `eval`; an injected `<script>` or `onclick=` does not run.
 * - `style-src 'self'`: the page's styles are a file; Lit gives the widget's styles to its shadow roots
 *   as constructable stylesheets (`adoptedStyleSheets`), which CSP does not govern, and the widget sets
 *   computed positions through the CSSOM, never through `style="…"`. So no `'unsafe-inline'`: a browser
 *   without constructable stylesheets (none that is still supported) would show the widget unstyled.
 * - `connect-src 'self'`: GraphQL over HTTP and graphql-ws (`'self'` covers ws:/wss: of the same host).
 * - `img-src 'self'`: only the browser's favicon probe; the widget draws with inline SVG.
 * - `require-trusted-types-for 'script'`: DOM sinks take only values from the `lit-html` policy (Lit's
 *   templates); a string put into `innerHTML` throws instead of becoming markup.
 * - `form-action 'none'`: the sign-in form is handled by the script; should it ever submit natively,
 *   the token must not end up in a URL.
 * - `frame-ancestors 'none'`: no other page may frame the admin (clickjacking).
 */
export const ADMIN_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
].join('; ');

/** Every header `/admin` answers with, besides `nosniff` (which every answer has). */
export const ADMIN_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': ADMIN_PAGE_CSP,
  // The page's URL may carry `#token=…` on the first load; no request of it should tell anyone where it came from.
  'referrer-policy': 'no-referrer',
  // frame-ancestors' twin for browsers older than CSP 2.
  'x-frame-options': 'DENY',
  // A window that opened /admin (a link on another site) gets no handle on it.
  'cross-origin-opener-policy': 'same-origin',
  // Only this origin may load the page or its files as a resource.
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * `X-Content-Type-Options: nosniff` on every answer of the server (JSON, CSV, the widget's files, the
 * 404s): a browser never guesses a type from the content, so an answer that echoes client text can
 * never run as a script or a page.
 */
export function noSniff(app: FastifyInstance): void {
  app.addHook('onRequest', (_req, reply, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done();
  });
}
