/**
 * The script of the server's `/admin` page (packages/server/src/http/widget.ts), built on its own to
 * `dist/admin-page.js` and served as `/admin/page.js`: the page allows no inline script (its
 * Content-Security-Policy). It imports the widget from the self-contained module the page also loads,
 * so the two share one copy of the elements and of the GraphQL client (scripts/bundle.mjs).
 *
 * Signing in: the token is checked with the `me` query, then handed to a fresh `<vk-payments-admin>`
 * as a property — never as an attribute, never as text — and the form is cleared and hidden. The
 * token is kept in memory and in this tab's sessionStorage, so a reload of the tab stays signed in
 * (the page already worked that way, and `pnpm start` opens it with `#token=…`, which is read once and
 * removed from the address bar); closing the tab or "Sign out" forgets it, and signing out removes the
 * widget element too, so no client holding the token is left behind.
 */
import { GraphQLClient, GraphQLClientError, type VkPaymentsAdmin } from '../index.js';
import { identity, TEXTS, type Identity, type PageLocale, type PageTexts } from './admin-page.texts.js';

const ENDPOINT = '/graphql';
/** Who signed in, with the key's label for the header. */
const IDENTITY = '{me{kind role vkAppId expiresAt label}}';
const KEYS = { token: 'vkp.token', app: 'vkp.app', locale: 'vkp.locale', theme: 'vkp.theme' } as const;
type Theme = '' | 'light' | 'dark';

const store = sessionStorage;
const byId = <E extends HTMLElement>(id: string): E => document.getElementById(id) as E;
const login = byId<HTMLFormElement>('login');
const loginError = byId<HTMLParagraphElement>('login-error');
const who = byId<HTMLSpanElement>('who');
const logout = byId<HTMLButtonElement>('logout');
const shell = byId<HTMLDivElement>('shell');
const localeSelect = byId<HTMLSelectElement>('locale');
const themeSelect = byId<HTMLSelectElement>('theme');

let locale: PageLocale = store.getItem(KEYS.locale) === 'en' ? 'en' : 'ru';
let theme: Theme = toTheme(store.getItem(KEYS.theme));
/** Who is signed in, while someone is; the widget element is theirs. */
let current: { me: Identity; vkAppId: number; admin: VkPaymentsAdmin } | undefined;

function toTheme(value: string | null): Theme {
  return value === 'light' || value === 'dark' ? value : '';
}

const texts = (): PageTexts => TEXTS[locale];

/** The page in the chosen language: its own texts, the identity line, the widget. */
function applyLocale(): void {
  document.documentElement.lang = locale;
  localeSelect.value = locale;
  const t = texts();
  for (const el of document.querySelectorAll<HTMLElement>('[data-t]')) el.textContent = t[el.dataset.t as keyof PageTexts];
  document.title = t.pageTitle;
  if (current) {
    who.textContent = identity(current.me, current.vkAppId, locale);
    current.admin.locale = locale;
  }
}

/** Light, dark, or the system's (''): the page's colours follow `data-theme`, the widget its `theme`. */
function applyTheme(): void {
  themeSelect.value = theme;
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  if (current) current.admin.theme = theme || undefined;
}

function showForm(error?: string): void {
  current?.admin.remove();
  current = undefined;
  who.hidden = true;
  who.textContent = '';
  logout.hidden = true;
  loginError.hidden = !error;
  loginError.textContent = error ?? '';
  login.hidden = false;
}

function forget(): void {
  store.removeItem(KEYS.token);
  store.removeItem(KEYS.app);
}

/** Checks the token with `me`; on success shows the widget on it, else the form with the reason. */
async function signIn(token: string, vkAppId: number): Promise<void> {
  loginError.hidden = true;
  let me: Identity;
  try {
    ({ me } = await new GraphQLClient({ endpoint: ENDPOINT, token }).request<{ me: Identity }>(IDENTITY));
  } catch (err) {
    const refused = err instanceof GraphQLClientError && err.code === 'UNAUTHENTICATED';
    if (refused) forget();
    showForm(refused ? texts().badToken : `${texts().failed} ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  store.setItem(KEYS.token, token);
  store.setItem(KEYS.app, String(vkAppId));
  const admin = document.createElement('vk-payments-admin');
  // Properties only: an attribute would keep the token readable in the document.
  Object.assign(admin, { endpoint: ENDPOINT, appId: vkAppId, token, locale, theme: theme || undefined });
  current?.admin.remove();
  current = { me, vkAppId, admin };
  login.reset();
  login.hidden = true;
  who.hidden = false;
  logout.hidden = false;
  shell.replaceChildren(admin);
  applyLocale();
}

login.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(login);
  const given = data.get('token');
  const token = (typeof given === 'string' ? given : '').trim();
  const app = Number(data.get('app'));
  if (token && Number.isInteger(app) && app > 0) void signIn(token, app);
});

logout.addEventListener('click', () => {
  forget();
  showForm();
  login.querySelector<HTMLInputElement>('input[name="token"]')?.focus();
});

localeSelect.addEventListener('change', () => {
  locale = localeSelect.value === 'en' ? 'en' : 'ru';
  store.setItem(KEYS.locale, locale);
  applyLocale();
});

themeSelect.addEventListener('change', () => {
  theme = toTheme(themeSelect.value);
  store.setItem(KEYS.theme, theme);
  applyTheme();
});

// `#token=…&app=…` (the link `pnpm start` prints): read once, then gone from the address bar and history.
const hash = new URLSearchParams(location.hash.slice(1));
if (hash.has('token')) {
  store.setItem(KEYS.token, hash.get('token') ?? '');
  store.setItem(KEYS.app, hash.get('app') ?? '');
  history.replaceState(null, '', location.pathname + location.search);
}

applyLocale();
applyTheme();
const saved = { token: store.getItem(KEYS.token), app: Number(store.getItem(KEYS.app)) };
if (saved.token && Number.isInteger(saved.app) && saved.app > 0) void signIn(saved.token, saved.app);
else showForm();
